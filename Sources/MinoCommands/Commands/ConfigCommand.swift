import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino config`: show or change the configuration; `mino config` alone runs `config show`.
import TOML

enum ConfigCommand {
    static let show = CommandSpec(name: "show", abstract: "Print the merged configuration as TOML")

    static let path = CommandSpec(name: "path", abstract: "Print the path of the global config file")

    static let initialize = CommandSpec(
        name: "init",
        abstract: "Write a default global config file",
        optionGroups: [
            OptionGroup(title: nil, options: [OptionSpec(.force, short: "f", help: "Overwrite an existing file")])
        ])

    static let set = CommandSpec(
        name: "set",
        abstract: "Set a key in the global or the project config",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [OptionSpec(.local, help: "Write to .mino.toml in the current directory instead")])
        ],
        arguments: [
            ArgumentSpec(.key, help: "Dotted key, e.g. container.image"),
            ArgumentSpec(.value, help: "The new value; lists are comma-separated"),
        ])

    static let spec = CommandSpec(
        name: "config",
        abstract: "Show or change the configuration",
        subcommands: [show, path, initialize, set],
        defaultSubcommand: "show")
}
