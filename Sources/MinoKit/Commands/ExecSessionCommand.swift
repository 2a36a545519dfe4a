import Backends
import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML

/// `mino exec [SESSION] [-- command]`: runs a command (the session's shell by default) in a
/// running session, as the agent's user. In wrapper mode the command goes through the
/// capability re-drop, because `podman exec` hands the container's capabilities back.
/// Exits with the command's exit code.
enum ExecSessionCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let executor = try Executor(context: context)
        executor.reconcile()
        let argument = parsed.argument(.session)
        let record: SessionRecord
        if let argument {
            guard let found = executor.store.load(argument.value) else {
                throw CommandFailure(
                    exitCode: .failure, diagnostics: [.sessionNotFound(argument.value, at: argument.origin)])
            }
            guard found.isActive else {
                throw CommandFailure(
                    exitCode: .failure, diagnostics: [.sessionNotRunning(found.name, status: found.status.rawValue)])
            }
            record = found
        } else {
            guard let newest = executor.store.all().first(where: { $0.status == .running }) else {
                throw CommandFailure(exitCode: .failure, diagnostics: [.noActiveSessions()])
            }
            record = newest
        }
        guard let id = record.containerID else {
            throw CommandFailure(
                exitCode: .failure, diagnostics: [.sessionNotRunning(record.name, status: record.status.rawValue)])
        }
        // The exec form needs the session's shell and whether its fence runs in the container.
        var policy: SandboxPolicy
        do {
            policy = try PolicyCompilation.compile(
                EffectiveConfig(layers: [.defaults]),
                request: RunRequest(projectDirectory: Sourced(record.projectDirectory, .builtin)),
                facts: HostFactsProbe.probe(context: context)
            ).policy
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: error.diagnostics)
        }
        policy.shell = Sourced(record.shell, .builtin)
        if record.wrapper {
            policy.network.mode = Sourced(.allowlist, .builtin)
            policy.network.enforcement = Sourced(.wrapper, .builtin)
        }
        let command = parsed.passthrough.isEmpty ? nil : parsed.passthrough.map(\.value)
        var facts = HostFactsProbe.probe(context: context)
        let ids = record.user.split(separator: ":").compactMap { UInt32($0) }
        if ids.count == 2 { (facts.userID, facts.groupID) = (ids[0], ids[1]) }
        let invocation: PodmanInvocation
        do {
            invocation = try PodmanBackend.exec(
                policy, facts: facts, containerID: id, command: command,
                terminal: TerminalMode(
                    stdinIsTerminal: context.standardInputIsTerminal, stdoutIsTerminal: context.standardOutputIsTerminal
                ))
        } catch {
            throw CommandFailure(exitCode: .usageError, diagnostics: error.diagnostics)
        }
        let status: ProcessStatus
        do {
            status = try executor.runner.runAttached(
                ProcessSpec(
                    "podman", invocation.argv, environment: context.environment, input: .inherit, output: .inherit,
                    error: .inherit),
                forwarding: [.windowChange], onSignal: { _ in })
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.podmanUnavailable(error)])
        }
        return ExitCode(status.shellStatus & 0xFF)
    }
}
