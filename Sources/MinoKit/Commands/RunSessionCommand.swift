import Backends
import Foundation
import PolicyCompiler
import PolicyModel

/// `mino run [options] [-- command]`: compiles the policy, creates the session and its
/// container, applies the network fence, then either stays attached (forwarding signals,
/// restoring the terminal) and exits with the agent's exit code, or (`-d`) starts it in the
/// background under a supervisor process that records how it ends.
enum RunSessionCommand {
    /// Signals that end an attached session: the container is stopped and removed.
    static let stopSignals: Set<ForwardedSignal> = [.interrupt, .terminate, .hangUp]

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        // An attached run lives as long as the session: its argv must not show `-e NAME=value`.
        OwnArguments.hideSensitiveValues(shown: parsed.argumentList, context: context)
        let request = try RunInvocation.request(parsed, context: context)
        let (flags, flagProblems) = RunInvocation.commandLineLayer(parsed)
        if !flagProblems.isEmpty {
            throw CommandFailure(exitCode: .usageError, diagnostics: flagProblems)
        }
        let loaded = try PolicyLoader(parsed: parsed, context: context).load(
            projectDirectory: request.projectDirectory.value, flags: flags)
        let locations = ConfigLocations(parsed: parsed, context: context)
        var config = loaded.config
        if NetworkPrompt.shouldAsk(config, context: context),
            let answer = try NetworkPrompt(
                context: context, locations: locations, projectDirectory: request.projectDirectory.value
            ).ask()
        {
            config = EffectiveConfig(layers: config.layers + [answer])
        }
        if LayerPrompt.shouldAsk(config, context: context),
            let answer = try LayerPrompt(
                context: context, locations: locations, projectDirectory: request.projectDirectory.value
            ).ask()
        {
            config = EffectiveConfig(layers: config.layers + [answer])
        }
        let executor = try Executor(context: context)
        var facts = executor.hostFacts()
        var policy: SandboxPolicy
        var warnings = loaded.warnings
        SessionPreparation.checkSSHAgent(
            requested: request.sshAgent?.value ?? true, facts: &facts, warnings: &warnings)
        let cacheVolumes = try LockfileScanner.cacheVolumes(
            config: config, projectDirectory: request.projectDirectory.value)
        do {
            let output = try PolicyCompilation.compile(
                config, request: request, facts: facts, cacheVolumes: cacheVolumes)
            policy = output.policy
            warnings += output.warnings
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: warnings + error.diagnostics)
        }
        if geteuid() == 0, !policy.identity.allowRoot.value {
            throw CommandFailure(exitCode: .failure, diagnostics: [.rootRefused(at: nil)])
        }
        if policy.runtime.value == .native {
            throw CommandFailure(exitCode: .unavailable, diagnostics: [.nativeUnavailable(at: policy.runtime.origin)])
        }
        let quiet = parsed.flag(.quiet)
        let presentation = DiagnosticPresentation(parsed: parsed, context: context)
        func showWarnings() {
            if !warnings.isEmpty, !quiet { context.standardError.write(presentation.renderer.render(warnings)) }
            warnings = []
        }
        let progress = ProgressLine(parsed: parsed, context: context)
        let preparation = SessionPreparation(
            executor: executor, progress: progress,
            trustLocal: parsed.flagSetting(.trustLocal).map { Sourced($0.isOn, $0.origin) })
        do {
            policy = try preparation.composeImage(
                policy, facts: &facts,
                search: LayerSearchPaths(
                    projectDirectory: request.projectDirectory.value, userLayers: locations.userLayersDirectory),
                warnings: &warnings)
        } catch {
            // What was found before the failure (trust warnings, say) explains it.
            showWarnings()
            throw error
        }
        let fence = NetworkFence(runner: executor.runner, environment: context.environment, rootless: facts.isRootless)
        SessionLauncher.chooseEnforcement(&policy, fence: fence, warnings: &warnings)
        SessionLauncher.resolveNames(policy, into: &facts)
        let name = request.sessionName?.value ?? SessionStore.generatedName()
        let credentials = try preparation.gatherCredentials(policy, sessionName: name, warnings: &warnings)
        showWarnings()

        // One read of the session records for both (a session reconciled now ended just now,
        // so it is never old enough to be removed in the same pass).
        let records = executor.store.all()
        executor.reconcile(records)
        executor.store.removeEnded(olderThan: policy.session.autoCleanupHours.value, in: records)
        let now = Date()
        try preparation.prepareHome(policy, now: now)
        let caches = try preparation.prepareCaches(policy, now: now)
        let detach = policy.session.detach.value
        let terminal =
            detach
            ? TerminalMode.none
            : TerminalMode(
                stdinIsTerminal: context.standardInputIsTerminal, stdoutIsTerminal: context.standardOutputIsTerminal)
        let audit = executor.audit(enabled: policy.auditLog.value)
        let launcher = SessionLauncher(executor: executor, audit: audit)
        let launched = try launcher.launch(
            policy: policy, facts: facts, name: name, nameOrigin: request.sessionName?.origin, terminal: terminal,
            credentials: credentials, caches: caches,
            direct: SessionLauncher.runsDirectly(policy, detached: detach), progress: progress)
        if detach {
            return try startDetached(launched, executor: executor, audit: audit, launcher: launcher, quiet: quiet)
        }
        return try superviseAttached(launched, executor: executor, audit: audit, launcher: launcher)
    }

    // MARK: - Attached

    static func superviseAttached(
        _ launched: SessionLauncher.Launched, executor: Executor, audit: AuditLog, launcher: SessionLauncher
    ) throws(CommandFailure) -> ExitCode {
        let name = launched.record.name
        let id = launched.containerID
        try launcher.update(name) { $0.status = .running }
        audit.record("session.started", ["name": .string(name), "container_id": .string(id)])
        let refresher = FenceRefresh.refresher(
            record: executor.store.load(name) ?? launched.record, facts: launched.facts, executor: executor,
            audit: audit)
        refresher?.start()
        let received = SignalBox()
        let environment = executor.context.environment
        let runner = executor.runner
        var status: ProcessStatus
        var pullFailure: CommandFailure?
        do {
            func attach() throws(ProcessError) -> ProcessStatus {
                var spec = ProcessSpec(
                    "podman", ["start", "--attach", id], environment: environment, input: .inherit, output: .inherit,
                    error: .inherit)
                if let direct = launched.directRun {
                    spec.arguments = direct.arguments
                    spec.environment = environment.merging(direct.values) { $1 }
                }
                return try runner.runAttached(spec, forwarding: stopSignals.union([.windowChange])) { signal in
                    guard stopSignals.contains(signal), received.set(signal) else { return }
                    // Stopping the container ends the attach; removal follows below.
                    _ = try? runner.run(
                        ProcessSpec("podman", ["stop", "--time", "10", id], environment: environment),
                        timeout: .seconds(60))
                }
            }
            status = try attach()
            // A direct run does not check the image first (that is one podman process more per
            // run); podman's 125 with the image absent means: pull it, then run again.
            let image = launched.policy.image.value
            if launched.directRun != nil, status == .exited(125), received.value == nil,
                let present = try? executor.podman.imageExists(image), !present
            {
                do {
                    try executor.podman.pull(image)
                } catch {
                    pullFailure = error
                }
                if pullFailure == nil { status = try attach() }
            }
        } catch {
            refresher?.stop()
            executor.podman.stopAndRemove(id, seconds: 0, force: true)
            try? launcher.update(name) { record in
                record.status = .failed
                record.endReason = "podman start failed"
            }
            audit.record("session.failed", ["name": .string(name), "error": .string("podman.start")])
            throw CommandFailure(exitCode: .failure, diagnostics: [.podmanUnavailable(error)])
        }
        refresher?.stop()
        if let pullFailure {
            try? launcher.update(name) { record in
                record.status = .failed
                record.endReason = pullFailure.diagnostics.first?.message ?? "podman pull failed"
            }
            audit.record("session.failed", ["name": .string(name), "error": .string("podman.pull")])
            throw pullFailure
        }
        // A direct run's container removed itself (--rm).
        if launched.directRun == nil { executor.podman.stopAndRemove(id, seconds: 0) }
        let signal = received.value
        let exitCode = signal.map { 128 + $0.rawValue } ?? status.shellStatus
        try launcher.update(name) { record in
            record.status = .stopped
            record.exitCode = exitCode
            if let signal { record.endReason = "stopped by signal \(signal.rawValue)" }
        }
        audit.record("session.stopped", ["name": .string(name), "exit_code": .integer(Int64(exitCode))])
        if exitCode == 0 { SessionPreparation.finaliseCaches(launched.record.cachesToFinalise, executor: executor) }
        return ExitCode(exitCode)
    }

    // MARK: - Detached

    static func startDetached(
        _ launched: SessionLauncher.Launched, executor: Executor, audit: AuditLog, launcher: SessionLauncher,
        quiet: Bool
    ) throws(CommandFailure) -> ExitCode {
        let name = launched.record.name
        let id = launched.containerID
        let context = executor.context
        guard let executable = context.executablePath else {
            executor.podman.stopAndRemove(id, seconds: 0, force: true)
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [.error("mino.no-executable", "cannot find the mino executable to supervise the session")])
        }
        do {
            try executor.podman.run(["start", id])
            let pid = try spawnSupervisor(executable, name: name, executor: executor)
            try launcher.update(name) { record in
                record.status = .running
                record.ownerPID = pid
                record.ownerStartTime = ProcessIdentity.startTime(of: pid)
            }
        } catch {
            executor.podman.stopAndRemove(id, seconds: 0, force: true)
            try? launcher.update(name) { record in
                record.status = .failed
                record.endReason = error.diagnostics.first?.message ?? "failed to start"
            }
            throw error
        }
        audit.record("session.started", ["name": .string(name), "container_id": .string(id)])
        if !quiet {
            context.standardOutput.write(
                "Session \(name) started (container \(launched.record.containerName))\n"
                    + "  Logs:  mino logs \(name)\n  Shell: mino exec \(name)\n  Stop:  mino stop \(name)\n")
        }
        return .success
    }

    private static func spawnSupervisor(_ executable: String, name: String, executor: Executor) throws(CommandFailure)
        -> Int32
    {
        do {
            return try executor.runner.spawnDetached(
                ProcessSpec(
                    executable, ["supervise", name], environment: executor.context.environment, input: .null,
                    output: .null,
                    error: .null))
        } catch {
            throw CommandFailure(
                exitCode: .failure, diagnostics: [.error("session.supervisor", "cannot start the session supervisor")])
        }
    }
}

/// This process's own command line, which `ps` shows to every local user.
enum OwnArguments {
    /// Overwrites, in this process's argv memory, the values the parser hid from diagnostics
    /// (`-e NAME=value` keeps `NAME=`), so that the process table never shows a secret for the
    /// life of a session. Only when `context` describes this process (not an in-process run of
    /// the application, as in tests).
    static func hideSensitiveValues(shown list: ArgumentList, context: CommandContext) {
        let original = CommandLine.arguments
        guard original.count == list.arguments.count, Array(original.dropFirst()) == context.arguments else { return }
        for index in 1..<original.count where list.arguments[index] != original[index] {
            guard let word = CommandLine.unsafeArgv[index] else { continue }
            // What precedes the placeholder (`NAME=`) stays visible.
            let shown = list.arguments[index]
            let kept =
                shown.hasSuffix(ArgumentRedaction.placeholder)
                ? shown.utf8.count - ArgumentRedaction.placeholder.utf8.count
                : zip(shown.utf8, original[index].utf8).prefix { $0 == $1 }.count
            let length = strlen(word)
            guard kept < length else { continue }
            for offset in kept..<length { word[offset] = CChar(UInt8(ascii: "*")) }
        }
    }
}

/// The first stop signal received while attached (later ones are ignored).
final class SignalBox: @unchecked Sendable {
    private let lock = NSLock()
    private var signal: ForwardedSignal?

    /// Records `signal` if none was recorded yet; returns whether it was the first.
    func set(_ signal: ForwardedSignal) -> Bool {
        lock.withLock {
            guard self.signal == nil else { return false }
            self.signal = signal
            return true
        }
    }

    var value: ForwardedSignal? { lock.withLock { signal } }
}
