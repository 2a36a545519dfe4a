import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// The container steps: create, fence, start, attach, supervisor.
extension PlanExecution {
    /// Signals that end an attached session: the container is stopped and removed.
    package static let stopSignals: Set<ForwardedSignal> = [.interrupt, .terminate, .hangUp]

    /// The values podman must find in its environment for `-e NAME`: literals, host variables
    /// that are set, and the fetched credentials (a provider that failed leaves its names unset,
    /// and podman then sets nothing for them).
    package func environmentValues(credentials: [String: String]) -> [String: String] {
        var values = [String: String]()
        for (name, value) in plan.artifacts.podman?.environment ?? [:] {
            switch value {
            case .literal(let text): values[name] = text
            case .host(let variable): if let text = executor.environment[variable] { values[name] = text }
            case .credential: if let text = credentials[name] { values[name] = text }
            }
        }
        return values
    }

    /// `podman create …`; returns the container id podman prints.
    package func createContainer(_ step: SessionStep, credentials: CredentialBroker.Outcome) throws(ExecutorFailure)
        -> String
    {
        let result = try runChecked(step.argv, extra: environmentValues(credentials: credentials.values))
        guard let id = PodmanClient.containerID(fromCreateOutput: result.outputText) else {
            throw ExecutorFailure(
                .failed, diagnostics: [.podmanFailed("create", status: result.status, stderr: "no container id")])
        }
        return id
    }

    /// Writes mino's seccomp profile where the podman argv names it (a directory of the runtime
    /// directory, private to the user: the profile decides which syscalls the agent has). The
    /// file is named by its content and shared by sessions: rewriting it writes the same bytes
    /// (atomically), and it is never removed while a session might be about to use it.
    package func prepareSeccomp(_ step: SessionStep) throws(ExecutorFailure) {
        guard let seccomp = plan.artifacts.seccomp else { return }
        let directory = (seccomp.path as NSString).deletingLastPathComponent
        if let problem = RuntimeDirectory.ensurePrivate(directory) {
            throw .runtimeDirectory(directory, reason: problem)
        }
        do {
            try AtomicFile.write(Data(seccomp.profile.rendered.utf8), to: seccomp.path, mode: 0o600)
        } catch {
            throw .runtimeDirectory(directory, reason: "cannot write the seccomp profile")
        }
    }

    /// Writes the fence ruleset and the hook definition into the session's runtime directory,
    /// and keeps the resolver's configuration in the session record (the supervisor of a
    /// detached session serves it from there).
    package func prepareFence(_ step: SessionStep, audit: AuditLog) throws(ExecutorFailure) {
        guard let files = plan.artifacts.fenceFiles, let hook = plan.artifacts.fenceHook,
            let ruleset = plan.artifacts.nftables
        else { return }
        guard plan.facts.minoExecutable != nil else {
            throw ExecutorFailure(
                .failed,
                diagnostics: [.error("mino.no-executable", "cannot find the mino executable the fence hook runs")])
        }
        if let problem = RuntimeDirectory.ensurePrivate(files.directory) {
            throw .runtimeDirectory(files.directory, reason: problem)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: files.hooksDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700]
            )
            try AtomicFile.write(Data(ruleset.rendered.utf8), to: files.rulesetFile, mode: 0o600)
            try AtomicFile.write(Data(hook.rendered.utf8), to: files.hookFile, mode: 0o600)
        } catch {
            throw .runtimeDirectory(files.directory, reason: "cannot write the fence hook files")
        }
        try update { record in
            record.resolver = plan.artifacts.resolver
            record.runtimeDirectory = files.directory
        }
        audit.record(
            "network.fence.prepared",
            [
                "name": .string(plan.sessionName), "enforcement": .string("netns"),
                "rules": .array(plan.policy.network.rules.map { .string($0.description) }),
            ])
    }

    /// Runs the agent attached (`podman run` or `podman start --attach`), forwarding signals;
    /// a stop signal stops the container. A direct run whose image is absent (podman's 125) is
    /// pulled and run again.
    package func attach(_ step: SessionStep, _ progress: inout Progress, audit: AuditLog) throws(ExecutorFailure) {
        guard let argv = step.argv else { return }
        // One write: running, and for a one-step `podman run` the container's name as its id.
        let direct = step.action == .runAttached ? plan.containerName : nil
        try update { record in
            record.status = .running
            if let direct { record.containerID = direct }
        }
        audit.record(
            "session.started",
            ["name": .string(plan.sessionName), "container_id": .string(progress.containerID ?? plan.containerName)])
        if plan.policy.network.mode.value == .allowlist, plan.policy.network.enforcement.value == .wrapper {
            audit.record(
                "network.fence.applied", ["name": .string(plan.sessionName), "enforcement": .string("wrapper")])
        }
        let received = SignalBox()
        let runner = executor.runner
        let environment = executor.environment
        let container = plan.containerName
        let values = step.action == .runAttached ? environmentValues(credentials: progress.credentials.values) : [:]
        func once() throws(ProcessError) -> ProcessStatus {
            var process = spec(argv, extra: values)
            process.input = .inherit
            process.output = .inherit
            process.error = .inherit
            return try runner.runAttached(process, forwarding: Self.stopSignals.union([.windowChange])) { signal in
                guard Self.stopSignals.contains(signal), received.set(signal) else { return }
                // Stopping the container ends the attach; removal follows.
                _ = try? runner.run(
                    ProcessSpec("podman", PodmanCommands.stop(container, graceSeconds: 10), environment: environment),
                    timeout: .seconds(60))
            }
        }
        // A podman that cannot be started fails the step; the run's failure handling marks the
        // session failed (and audits it once).
        func attempt() throws(ExecutorFailure) -> ProcessStatus {
            do {
                return try once()
            } catch {
                throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
            }
        }
        var status = try attempt()
        let image = plan.policy.image.value
        if step.action == .runAttached, status == .exited(125), received.value == nil,
            let present = try? executor.podman.imageExists(image), !present
        {
            try executor.podman.pull(image)
            status = try attempt()
        }
        if let resolver = progress.resolver, !resolver.waitUntilServing(seconds: 0), received.value == nil {
            // The runtime ran no agent: the hook refused (its message is in podman's output).
            throw ExecutorFailure(.failed, diagnostics: [.fenceHookFailed(status: status)])
        }
        progress.signal = received.value
        progress.status = received.value.map { 128 + $0.rawValue } ?? status.shellStatus
    }

    /// Starts `mino supervise NAME` in the background.
    package func spawnSupervisor(_ step: SessionStep) throws(ExecutorFailure) -> Int32 {
        guard let argv = step.argv, plan.facts.minoExecutable != nil else {
            throw ExecutorFailure(
                .failed,
                diagnostics: [.error("mino.no-executable", "cannot find the mino executable to supervise the session")])
        }
        do {
            var process = spec(argv)
            process.output = .null
            process.error = .null
            return try executor.runner.spawnDetached(process)
        } catch {
            let reason = error.code != 0 ? String(cString: strerror(error.code)).lowercased() : "\(error.kind)"
            throw ExecutorFailure(
                .failed,
                diagnostics: [
                    .error(
                        "session.supervisor",
                        "cannot start the session supervisor `\(Diagnostic.shown(argv[0]))`: \(reason)",
                        help: "the supervisor is mino itself: check that this user can run that path")
                ])
        }
    }
}

extension Diagnostic {
    package static func fenceHookFailed(status: ProcessStatus) -> Diagnostic {
        .error(
            "network.fence-failed",
            "the fence hook did not load the fence or hand over the session resolver, so the agent did not run "
                + "(podman exited \(status.shellStatus))",
            help: "podman's message above names the reason; `mino status` checks what this host can enforce")
    }
}
