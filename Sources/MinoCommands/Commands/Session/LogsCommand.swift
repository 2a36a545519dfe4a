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

/// `mino logs [-f] [-l N] SESSION`: the output of a session's container while it exists
/// (containers are removed when sessions end).
enum LogsCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "logs",
        abstract: "Show a session's logs",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.follow, short: "f", help: "Keep printing new output"),
                    OptionSpec(
                        .lines, short: "l", kind: .option(valueName: "n"),
                        help: "Number of lines from the end to show, 0 for all", defaultValue: "100",
                        format: .unsignedInteger),
                ])
        ],
        arguments: [ArgumentSpec(.session, help: "Name of the session")])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let (executor, record) = try SessionLookup.named(parsed, context)
        let name = record.name
        let argument = parsed.argument(.session)
        let id = record.containerID ?? record.containerName
        guard executor.podman.state(id).exists else {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [
                    .error(
                        "session.no-logs",
                        "session `\(name)` has no container any more (status: \(record.status.rawValue))",
                        at: argument?.origin, help: "logs are available while a session runs")
                ])
        }
        let lines = parsed.unsignedInteger(.lines) ?? 100
        let arguments = PodmanCommands.logs(id, follow: parsed.flag(.follow), lines: Int(lines))
        let status = try? executor.runner.runAttached(
            ProcessSpec(
                "podman", arguments, environment: context.environment, input: .null, output: .inherit, error: .inherit),
            forwarding: [], onSignal: { _ in })
        return status == .exited(0) ? .success : .failure
    }
}
