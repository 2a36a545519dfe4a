import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino plan`: compile what `mino run` would do and print it, without starting anything.
import TOML

enum PlanCommand {
    static let output = OptionGroup(
        title: "PLAN OPTIONS",
        options: [
            OptionSpec(
                .format, kind: .option(valueName: "format"), help: "Output format", defaultValue: "text",
                allowedValues: ["text", "json"]),
            OptionSpec(.resolve, help: "Resolve allowed host names to addresses, as 'mino run' would"),
            OptionSpec(
                .explain, kind: .option(valueName: "key"),
                help: "Show only where one setting comes from, e.g. container.network"),
        ])

    static let spec = CommandSpec(
        name: "plan",
        abstract: "Show the policy and artifacts 'mino run' would use",
        discussion: """
            Takes the same options as 'mino run' and compiles exactly what it would run: the podman \
            command line, the firewall rules and where each setting comes from. Nothing is started. \
            Secret values are never shown.
            """,
        optionGroups: [output] + RunOptions.groups,
        passthrough: PassthroughSpec(valueName: "command", help: "The command 'mino run' would run, after '--'"),
        constraints: RunOptions.constraints)
}
