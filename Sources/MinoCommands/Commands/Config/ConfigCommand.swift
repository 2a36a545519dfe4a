import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino config`: show or change the configuration; `mino config` alone runs `config show`.
enum ConfigCommand: CommandGroup {
    static var subcommands: [any CommandNode.Type] {
        [ConfigShowCommand.self, ConfigPathCommand.self, ConfigInitCommand.self, ConfigSetCommand.self]
    }

    static let spec = CommandSpec(
        name: "config",
        abstract: "Show or change the configuration",
        subcommands: subcommands.map { $0.spec },
        defaultSubcommand: ConfigShowCommand.spec.name)
}
