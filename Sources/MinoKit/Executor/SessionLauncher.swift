import Backends
import Foundation
import PolicyCompiler
import PolicyModel

/// Creates a session up to the point where its container could start: session record, image,
/// container, network fence. Anything that fails after the container exists removes it and
/// marks the session failed, so a run never leaves a half-applied sandbox behind.
struct SessionLauncher {
    /// A created session, ready to start.
    struct Launched {
        var record: SessionRecord
        var containerID: String
        var policy: SandboxPolicy
        var facts: HostFacts
        /// The fence applied from the host, when the allowlist uses the netns applier.
        var fence: NetworkFence?
        var fencePID: Int32?
        /// For a direct run: the `podman run` argv and the values podman's environment needs.
        var directRun: (arguments: [String], values: [String: String])?
    }

    /// Whether an attached session can start with one `podman run` (the create arguments with
    /// `run`): nothing has to happen between creating and starting the container, which is
    /// the case unless the fence is loaded into its namespace from the host. One podman process
    /// instead of four (image check, create, start, remove): most of a short run's cost.
    static func runsDirectly(_ policy: SandboxPolicy, detached: Bool) -> Bool {
        !detached && !(policy.network.mode.value == .allowlist && policy.network.enforcement.value == .netns)
    }

    let executor: Executor
    let audit: AuditLog

    /// Decides the applier: the netns applier by default; the wrapper when asked for, or when
    /// the host lacks the tools (with a warning).
    static func chooseEnforcement(_ policy: inout SandboxPolicy, fence: NetworkFence, warnings: inout [Diagnostic]) {
        guard policy.network.mode.value == .allowlist, policy.network.enforcement.value == .netns else { return }
        if fence.tools() == nil {
            warnings.append(.fenceFallback(at: policy.network.enforcement.origin))
            policy.network.enforcement = Sourced(.wrapper, policy.network.enforcement.origin)
        }
    }

    /// Resolves every allowed name now, so that a name with no address stops the run before
    /// anything is created.
    static func resolveNames(_ policy: SandboxPolicy, into facts: inout HostFacts) {
        for rule in policy.network.rules {
            if case .name(let name) = rule.host, facts.resolvedAddresses[name] == nil {
                facts.resolvedAddresses[name] = HostFactsProbe.resolve(name)
            }
        }
    }

    func launch(
        policy: SandboxPolicy, facts: HostFacts, name: String, nameOrigin: Origin?, terminal: TerminalMode,
        credentials: CredentialBroker.Outcome = CredentialBroker.Outcome(), caches: [String] = [],
        direct: Bool = false, progress: ProgressLine
    ) throws(CommandFailure) -> Launched {
        var facts = facts
        let podman = executor.podman
        let homeVolume = HomeVolume.volume(for: policy)
        let invocation: PodmanInvocation
        do {
            invocation = try PodmanBackend.create(
                policy, facts: facts, session: PodmanSession(name: name, homeVolume: homeVolume), terminal: terminal,
                resolution: .resolved)
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        let wrapper = policy.network.mode.value == .allowlist && policy.network.enforcement.value == .wrapper
        let user = "\(facts.userID):\(facts.groupID)"
        var record = SessionRecord(
            name: name, projectDirectory: policy.project.hostPath.value,
            command: policy.command?.value ?? [policy.shell.value],
            containerName: PodmanBackend.containerName(forSession: name),
            image: policy.image.value, network: Self.describe(policy.network), detached: policy.session.detach.value,
            homeVolume: homeVolume, wrapper: wrapper, shell: policy.shell.value, user: user, now: Date())
        record.auditLog = policy.auditLog.value
        record.cachesToFinalise = caches
        record.cloudProviders = credentials.injected.map(\.provider)
        let owner = Executor.ownIdentity()
        record.ownerPID = owner.pid
        record.ownerStartTime = owner.startTime
        let created: Bool
        do {
            created = try executor.store.create(record)
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
        guard created else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.sessionExists(name, at: nameOrigin)])
        }
        audit.record(
            "session.created",
            [
                "name": .string(name), "project_dir": .string(record.projectDirectory), "image": .string(record.image),
                "command": .array(record.command.map { .string($0) }), "network": .string(record.network),
                "home_volume": homeVolume.map { .string($0) } ?? .null,
            ])
        if !credentials.injected.isEmpty {
            // Provider names and expiry only: never a value.
            audit.record(
                "credentials.injected",
                [
                    "name": .string(name), "providers": .array(credentials.injected.map { .string($0.provider) }),
                    "expires_at": .object(
                        Dictionary(
                            credentials.injected.map {
                                (
                                    $0.provider,
                                    $0.expiresAt.map { JSONValue.string(SessionRecord.timestamp($0)) } ?? .null
                                )
                            },
                            uniquingKeysWith: { $1 })),
                ])
        }

        if direct {
            // podman run --rm removes the container itself; the name stands for the id.
            let id = record.containerName
            try update(name) { $0.containerID = id }
            return Launched(
                record: record, containerID: id, policy: policy, facts: facts, fence: nil, fencePID: nil,
                directRun: (
                    ["run"] + invocation.argv.dropFirst(),
                    values(for: invocation, credentials: credentials.values)
                ))
        }
        var containerID: String?
        do {
            try SessionPreparation.ensureImage(policy.image.value, podman: podman, progress: progress)
            let id = try podman.create(invocation, values: values(for: invocation, credentials: credentials.values))
            containerID = id
            try update(name) { $0.containerID = id }
            var fence: NetworkFence?
            var fencePID: Int32?
            if policy.network.mode.value == .allowlist {
                if wrapper {
                    audit.record("network.fence.applied", ["name": .string(name), "enforcement": .string("wrapper")])
                } else {
                    try podman.run(["init", id])
                    let (pid, resolvers) = try podman.pidAndResolvers(id)
                    if !resolvers.isEmpty { facts.containerResolvers = resolvers }
                    let applier = NetworkFence(
                        runner: executor.runner, environment: executor.context.environment, rootless: facts.isRootless)
                    try applier.apply(try ruleset(policy, facts: facts), pid: pid)
                    fence = applier
                    fencePID = pid
                    try update(name) { record in
                        record.fenceRules = policy.network.rules.map(\.description)
                        record.fencePID = pid
                        record.resolvers = facts.containerResolvers
                    }
                    audit.record(
                        "network.fence.applied",
                        [
                            "name": .string(name), "enforcement": .string("netns"),
                            "rules": .array(policy.network.rules.map { .string($0.description) }),
                            "resolvers": .array(facts.containerResolvers.map { .string($0) }),
                        ])
                }
            }
            return Launched(
                record: record, containerID: id, policy: policy, facts: facts, fence: fence, fencePID: fencePID)
        } catch {
            podman.stopAndRemove(containerID ?? record.containerName, seconds: 0, force: true)
            _ = try? executor.store.update(name) { record in
                record.status = .failed
                record.endReason = error.diagnostics.first?.message ?? "failed to start"
            }
            audit.record(
                "session.failed",
                ["name": .string(name), "error": .string(error.diagnostics.first?.code.rawValue ?? "")])
            throw error
        }
    }

    /// The netfilter ruleset for the policy on this host, with names resolved.
    func ruleset(_ policy: SandboxPolicy, facts: HostFacts) throws(CommandFailure) -> NetfilterRuleset {
        let ruleset: NetfilterRuleset?
        do {
            ruleset = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved)
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        guard let ruleset else {
            throw CommandFailure(
                exitCode: .failure, diagnostics: [.error("network.fence-failed", "no ruleset for an allowlist")])
        }
        return ruleset
    }

    /// Updates the session record, as a command failure when the state cannot be written.
    func update(_ name: String, _ change: (inout SessionRecord) -> Void) throws(CommandFailure) {
        do {
            try executor.store.update(name, change)
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
    }

    /// The values podman must find in its environment for `-e NAME`: literals, host variables
    /// that are set, and the fetched credentials (a provider that failed leaves its names unset,
    /// and podman then sets nothing for them).
    func values(for invocation: PodmanInvocation, credentials: [String: String]) -> [String: String] {
        var values = [String: String]()
        for (name, value) in invocation.environment {
            switch value {
            case .literal(let text): values[name] = text
            case .host(let variable): if let text = executor.context.environment[variable] { values[name] = text }
            case .credential: if let text = credentials[name] { values[name] = text }
            }
        }
        return values
    }

    /// A short description of the network for the session record and audit log.
    static func describe(_ network: NetworkPolicy) -> String {
        switch network.mode.value {
        case .allowlist:
            return "allowlist(" + network.rules.map(\.description).joined(separator: ",") + ")"
        default:
            return network.mode.value.rawValue
        }
    }
}
