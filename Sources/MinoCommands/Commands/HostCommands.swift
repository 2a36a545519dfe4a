import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino init`: write a commented project policy.
import TOML

enum InitCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create a commented .mino.toml for a project",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.force, short: "f", help: "Overwrite an existing .mino.toml"),
                    OptionSpec(
                        .path, short: "p", kind: .option(valueName: "dir"), help: "Directory to write it to",
                        defaultDescription: "the current directory"),
                ])
        ])
}

/// `mino status` (also `mino doctor`): check the host.
enum StatusCommand {
    static let spec = CommandSpec(
        name: "status",
        aliases: ["doctor"],
        abstract: "Check that this host can run sandboxes",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .format, kind: .option(valueName: "format"), help: "Output format", defaultValue: "text",
                        allowedValues: ["text", "json"])
                ])
        ])
}

/// `mino setup`: install and check prerequisites.
enum SetupCommand {
    static let spec = CommandSpec(
        name: "setup",
        abstract: "Install and check what mino needs on this host",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.yes, short: "y", help: "Answer yes to every prompt"),
                    OptionSpec(.check, help: "Only check; change nothing"),
                    OptionSpec(.upgrade, help: "Also upgrade components that are already installed"),
                    OptionSpec(.native, help: "Set up the native sandbox instead of containers"),
                    OptionSpec(.uninstall, help: "Remove the native sandbox components"),
                ])
        ],
        constraints: [.conflicts(.uninstall, with: [.native])])
}

/// `mino completions`: print a shell completion script.
enum CompletionsCommand {
    static let spec = CommandSpec(
        name: "completions",
        abstract: "Print a shell completion script",
        discussion: """
            Writes a completion script for the whole command tree to standard output, for example:
              mino completions bash > ~/.local/share/bash-completion/completions/mino
            """,
        arguments: [ArgumentSpec(.shell, help: "The shell to complete for", allowedValues: ["bash", "zsh", "fish"])])
}

/// `mino help`: the same text as `--help`, for any command.
enum HelpCommand {
    static let spec = CommandSpec(
        name: CommandLineParser.helpCommandName,
        abstract: "Show help for a command",
        arguments: [
            ArgumentSpec(
                .subcommands, help: "The command to describe, e.g. 'cache clear'", isOptional: true, isRepeating: true)
        ])
}
