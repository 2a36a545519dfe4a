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

/// `mino stop [-f] SESSION`: stops (SIGTERM, then SIGKILL after 10 s; `-f` kills at once) and
/// removes the session's container, and records that it was stopped.
enum StopCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "stop",
        abstract: "Stop a session",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [OptionSpec(.force, short: "f", help: "Kill the container instead of stopping it gracefully")])
        ],
        arguments: [ArgumentSpec(.session, help: "Name of the session to stop")])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let (executor, record) = try SessionLookup.named(parsed, context)
        let name = record.name
        guard record.isActive else {
            context.standardOutput.write("Session \(name) is already \(record.status.rawValue)\n")
            return .success
        }
        executor.podman.stopAndRemove(
            record.containerID ?? record.containerName, seconds: 10, force: parsed.flag(.force))
        _ = try? executor.store.update(name) { record in
            guard record.isActive else { return }
            record.status = .stopped
            record.endReason = "stopped by mino stop"
        }
        context.standardOutput.write("Session \(name) stopped\n")
        return .success
    }
}
