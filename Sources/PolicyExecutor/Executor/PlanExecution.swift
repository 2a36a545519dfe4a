import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Applies a `SessionPlan`: the steps the `mino run` process performs, in order, each process
/// with the argv the plan lists (placeholders filled with the values found at run time). It
/// never compiles and never edits the policy: late-bound facts (the container's pid and
/// resolvers) re-render the fence from the plan's structured network policy.
///
/// Anything that fails after the session record exists removes the container and marks the
/// session failed, so a run never leaves a half-applied sandbox behind.
package struct PlanExecution {
    /// How the session ended for the `mino run` process.
    package enum Outcome: Equatable {
        /// Attached: the agent's exit status (128 + signal when mino was stopped by one).
        case exited(Int32)
        /// Detached: the supervisor owns the session now.
        case detached
    }

    package let executor: Executor
    package let plan: SessionPlan
    package let interaction: any SessionInteraction
    /// `--trust-local`: unapproved project layers are built, with a warning.
    package let trustLocal: Sourced<Bool>?
    /// Where `-n` was written, for the error when the name is taken.
    package let nameOrigin: Origin?

    /// Creates a value from its parts.
    package init(
        executor: Executor, plan: SessionPlan, interaction: any SessionInteraction, trustLocal: Sourced<Bool>?,
        nameOrigin: Origin?
    ) {
        self.executor = executor
        self.plan = plan
        self.interaction = interaction
        self.trustLocal = trustLocal
        self.nameOrigin = nameOrigin
    }

    /// What the steps found out so far.
    package struct Progress {
        package var credentials = CredentialBroker.Outcome()
        package var cachesToFinalise = [String]()
        package var recordCreated = false
        package var containerID: String?
        package var status: Int32 = 0
        package var signal: ForwardedSignal?
        /// The session resolver this process serves (attached allowlist sessions).
        package var resolver: SessionResolverService?

        /// Creates a value from its parts.
        package init(containerID: String? = nil, status: Int32 = 0, signal: ForwardedSignal? = nil) {
            self.containerID = containerID
            self.status = status
            self.signal = signal
        }
    }

    package func run() throws(ExecutorFailure) -> Outcome {
        var progress = Progress()
        let audit = executor.audit(enabled: plan.policy.auditLog.value)
        defer { progress.resolver?.stop() }
        for step in plan.steps(performedBy: .run) {
            do {
                try perform(step, &progress, audit: audit)
            } catch {
                progress.resolver?.stop()
                if progress.recordCreated { fail(progress, error: error, audit: audit) }
                throw error
            }
        }
        return plan.policy.session.detach.value ? .detached : .exited(progress.status)
    }

    // MARK: - Steps

    private func perform(_ step: SessionStep, _ progress: inout Progress, audit: AuditLog) throws(ExecutorFailure) {
        switch step.action {
        case .approveLayer:
            if let layer = plan.composition?.layers.first(where: { $0.name == step.subject }) {
                interaction.warn(try approve(layer))
            }
        case .buildImage:
            guard try !succeeds(step.check) else { return }
            try build(step)
        case .pullImage:
            guard try !succeeds(step.check) else { return }
            _ = try interaction.step("Pulling image \(step.subject)") { () throws(ExecutorFailure) in
                try runChecked(step.argv, timeout: .seconds(1800))
            }
        case .fetchCredentials:
            progress.credentials = try gatherCredentials()
        case .reconcileSessions:
            // One read of the records for both (a session reconciled now ended just now, so it
            // is never old enough to be removed in the same pass).
            let records = executor.store.all()
            executor.reconcile(records)
            executor.store.removeEnded(olderThan: plan.policy.session.autoCleanupHours.value, in: records)
        case .prepareHome:
            if try volumeMissing(step) { try createVolume(step) }
        case .clearCache:
            try clearCache(step)
        case .prepareCache:
            try interaction.step("Preparing caches") { () throws(ExecutorFailure) in
                try prepareCache(step, &progress)
            }
        case .createSession:
            try createRecord(progress, audit: audit)
            progress.recordCreated = true
        case .runAttached:
            progress.containerID = plan.containerName
            try attach(step, &progress, audit: audit)
        case .createContainer:
            let id = try createContainer(step, credentials: progress.credentials)
            progress.containerID = id
            try update { $0.containerID = id }
        case .prepareSeccomp:
            try prepareSeccomp(step)
        case .prepareFence:
            try prepareFence(step, audit: audit)
        case .serveResolver:
            guard let configuration = plan.artifacts.resolver, let files = plan.artifacts.fenceFiles else { return }
            progress.resolver = try SessionResolution.start(
                configuration, files: files, session: plan.sessionName, store: executor.store, audit: audit)
        case .startAttached:
            try attach(step, &progress, audit: audit)
        case .startDetached:
            try runChecked(step.argv)
        case .spawnSupervisor:
            let pid = try spawnSupervisor(step)
            try update { record in
                record.status = .running
                record.ownerPID = pid
                record.ownerStartTime = ProcessIdentity.startTime(of: pid)
            }
            audit.record(
                "session.started",
                ["name": .string(plan.sessionName), "container_id": .string(progress.containerID ?? "")])
        case .removeContainer:
            if let argv = step.argv { _ = try? executor.runner.run(spec(argv), timeout: .seconds(60)) }
        case .finaliseCaches:
            if progress.status == 0, progress.signal == nil {
                SessionCaches.finalise(progress.cachesToFinalise, executor: executor)
            }
        case .recordEnd:
            let exitCode = progress.status
            let signal = progress.signal
            try update { record in
                record.status = .stopped
                record.exitCode = exitCode
                if let signal { record.endReason = "stopped by signal \(signal.rawValue)" }
            }
            audit.record(
                "session.stopped", ["name": .string(plan.sessionName), "exit_code": .integer(Int64(exitCode))])
        case .waitContainer:
            break  // the supervisor's
        }
    }

    /// Marks the session failed and removes whatever container exists.
    private func fail(_ progress: Progress, error: ExecutorFailure, audit: AuditLog) {
        executor.podman.stopAndRemove(progress.containerID ?? plan.containerName, seconds: 0, force: true)
        if let files = plan.artifacts.fenceFiles { try? FileManager.default.removeItem(atPath: files.directory) }
        _ = try? executor.store.update(plan.sessionName) { record in
            record.status = .failed
            record.endReason = error.diagnostics.first?.message ?? "failed to start"
        }
        audit.record(
            "session.failed",
            ["name": .string(plan.sessionName), "error": .string(error.diagnostics.first?.code.rawValue ?? "")])
    }

    // MARK: - Processes

    /// A podman (or other) process for `argv`, in mino's environment plus `extra`.
    package func spec(_ argv: [String], extra: [String: String] = [:], input: ProcessSpec.Input = .null) -> ProcessSpec
    {
        ProcessSpec(
            argv[0], Array(argv.dropFirst()), environment: executor.environment.merging(extra) { $1 },
            input: input)
    }

    /// Whether a check succeeded (exit 0); no check counts as failed, so the action runs.
    private func succeeds(_ check: [String]?) throws(ExecutorFailure) -> Bool {
        guard let check else { return false }
        do {
            return try executor.runner.run(spec(check), timeout: .seconds(60)).succeeded
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
    }

    /// Runs `argv`; anything but exit 0 is a failure naming the podman subcommand.
    @discardableResult
    package func runChecked(
        _ argv: [String]?, extra: [String: String] = [:], input: ProcessSpec.Input = .null,
        timeout: Duration = .seconds(120)
    ) throws(ExecutorFailure) -> ProcessResult {
        guard let argv, !argv.isEmpty else { return ProcessResult(status: .exited(0)) }
        let result: ProcessResult
        do {
            result = try executor.runner.run(spec(argv, extra: extra, input: input), timeout: timeout)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.succeeded else {
            let command = argv.first == "podman" ? argv.dropFirst().first ?? "" : argv[0]
            throw ExecutorFailure(
                .failed, diagnostics: [.podmanFailed(command, status: result.status, stderr: result.errorText)])
        }
        return result
    }

    /// `argv` with the run-time values in place of the plan's placeholders.
    package static func filled(_ argv: [String], _ values: [String: String]) -> [String] {
        argv.map { word in
            var word = word
            for (placeholder, value) in values where word.contains(placeholder) {
                word = word.replacingOccurrences(of: placeholder, with: value)
            }
            return word
        }
    }

    // MARK: - Record

    private func createRecord(_ progress: Progress, audit: AuditLog) throws(ExecutorFailure) {
        let policy = plan.policy
        let wrapper = policy.network.mode.value == .allowlist && policy.network.enforcement.value == .wrapper
        var record = SessionRecord(
            name: plan.sessionName, projectDirectory: policy.project.hostPath.value,
            command: policy.command?.value ?? [policy.shell.value], containerName: plan.containerName,
            image: policy.image.value, network: Self.describe(policy.network), detached: policy.session.detach.value,
            homeVolume: plan.homeVolume, wrapper: wrapper, shell: policy.shell.value,
            user: "\(plan.facts.userID):\(plan.facts.groupID)", now: Date())
        record.auditLog = policy.auditLog.value
        record.cachesToFinalise = progress.cachesToFinalise
        record.supervisorSteps = plan.steps(performedBy: .supervisor)
        record.cloudProviders = progress.credentials.injected.map(\.provider)
        let owner = Executor.ownIdentity()
        record.ownerPID = owner.pid
        record.ownerStartTime = owner.startTime
        let created: Bool
        do {
            created = try executor.store.create(record)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
        guard created else {
            throw ExecutorFailure(.failed, diagnostics: [.sessionExists(plan.sessionName, at: nameOrigin)])
        }
        audit.record(
            "session.created",
            [
                "name": .string(record.name), "project_dir": .string(record.projectDirectory),
                "image": .string(record.image), "command": .array(record.command.map { .string($0) }),
                "network": .string(record.network), "home_volume": plan.homeVolume.map { .string($0) } ?? .null,
            ])
        let injected = progress.credentials.injected
        if !injected.isEmpty {
            // Provider names and expiry only: never a value.
            audit.record(
                "credentials.injected",
                [
                    "name": .string(record.name), "providers": .array(injected.map { .string($0.provider) }),
                    "expires_at": .object(
                        Dictionary(
                            injected.map {
                                (
                                    $0.provider,
                                    $0.expiresAt.map { JSONValue.string(SessionRecord.timestamp($0)) } ?? .null
                                )
                            }, uniquingKeysWith: { $1 })),
                ])
        }
    }

    /// Updates the session record, as a command failure when the state cannot be written.
    package func update(_ change: (inout SessionRecord) -> Void) throws(ExecutorFailure) {
        do {
            try executor.store.update(plan.sessionName, change)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
    }

    /// A short description of the network for the session record and audit log.
    package static func describe(_ network: NetworkPolicy) -> String {
        switch network.mode.value {
        case .allowlist: return "allowlist(" + network.rules.map(\.description).joined(separator: ",") + ")"
        default: return network.mode.value.rawValue
        }
    }
}
