import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino exec [SESSION] [-- command]`: runs a command (the session's shell by default) in a
/// running session, as the agent's user. In wrapper mode the command goes through the
/// capability re-drop, because `podman exec` hands the container's capabilities back.
/// Exits with the command's exit code.
enum ExecCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "exec",
        abstract: "Run a command in a running session",
        arguments: [
            ArgumentSpec(.session, help: "Session name (default: the newest running session)", isOptional: true)
        ],
        passthrough: PassthroughSpec(
            valueName: "command", help: "The command to run, after '--' (default: the session's shell)"))

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
        let command = parsed.passthrough.isEmpty ? nil : parsed.passthrough.map(\.value)
        let invocation: PodmanInvocation
        do {
            invocation = try ExecPlanner.invocation(
                ExecPlanner.Session(containerID: id, shell: record.shell, wrapper: record.wrapper, user: record.user),
                facts: HostFactsProbe.probe(context: context), command: command,
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
