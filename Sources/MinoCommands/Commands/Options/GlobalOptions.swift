import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// The options every `mino` command accepts, before or after the subcommand name.
import TOML

enum GlobalOptions {
    static let group = OptionGroup(
        title: "GLOBAL OPTIONS",
        options: [
            OptionSpec(.verbose, short: "v", kind: .counter, help: "Log more; -vv logs debug detail"),
            OptionSpec(.quiet, short: "q", help: "Print only errors"),
            OptionSpec(
                .config, short: "c", kind: .option(valueName: "path"), help: "Global config file to load",
                defaultDescription: "$XDG_CONFIG_HOME/mino/config.toml", environment: "MINO_CONFIG"),
            OptionSpec(.noLocal, help: "Ignore the project's .mino.toml"),
            OptionSpec(
                .trustLocal,
                help: "Load a project .mino.toml that widens the policy without asking for approval",
                environment: "MINO_TRUST_LOCAL"),
            OptionSpec(
                .color, kind: .option(valueName: "when"), help: "When to colour diagnostics", defaultValue: "auto",
                allowedValues: ["auto", "always", "never"]),
            OptionSpec(
                .diagnosticsFormat, kind: .option(valueName: "format"), help: "How to print errors and warnings",
                defaultValue: "human", allowedValues: ["human", "plain", "json"]),
        ])

    /// `--quiet` and `--verbose` ask for opposite things.
    static let constraints: [OptionConstraint] = [.conflicts(.quiet, with: [.verbose])]
}
