import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino exec`: run a command in a running session.
import TOML

enum ExecCommand {
    static let spec = CommandSpec(
        name: "exec",
        abstract: "Run a command in a running session",
        arguments: [
            ArgumentSpec(.session, help: "Session name (default: the newest running session)", isOptional: true)
        ],
        passthrough: PassthroughSpec(
            valueName: "command", help: "The command to run, after '--' (default: the session's shell)"))
}

/// `mino list`: list sessions.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list",
        abstract: "List sessions",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.all, short: "a", help: "Include stopped and failed sessions"),
                    OptionSpec(
                        .format, short: "f", kind: .option(valueName: "format"), help: "Output format",
                        defaultValue: "table", allowedValues: ["table", "json", "plain"]),
                ])
        ])
}

/// `mino stop`: stop a session.
enum StopCommand {
    static let spec = CommandSpec(
        name: "stop",
        abstract: "Stop a session",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [OptionSpec(.force, short: "f", help: "Kill the container instead of stopping it gracefully")])
        ],
        arguments: [ArgumentSpec(.session, help: "Name of the session to stop")])
}

/// `mino logs`: show a session's output.
enum LogsCommand {
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
}
