import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino help [COMMAND…]`: the same text as `--help`, for any command. Declared only: the
/// application answers it before any handler is looked up.
enum HelpCommand: CommandNode {
    static let spec = CommandSpec(
        name: CommandLineParser.helpCommandName,
        abstract: "Show help for a command",
        arguments: [
            ArgumentSpec(
                .subcommands, help: "The command to describe, e.g. 'cache clear'", isOptional: true, isRepeating: true)
        ])
}
