import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino plan [run options] [-- command]`: the plan `mino run` would execute, without touching
/// podman beyond the one query layers need: the policy and where each value came from, the
/// enforcement levels, every artifact and the ordered steps (`--format json` for one stable,
/// diffable document; `--resolve` to show concrete addresses; `--explain KEY` for one setting's
/// history). It never prompts and never writes.
enum PlanCommand: RunnableCommand {
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

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let loading = SessionPlanLoading(parsed: parsed, context: context, purpose: .plan)
        if let key = parsed.value(.explain) {
            let (config, _, _) = try loading.configuration()
            do {
                context.standardOutput.write(
                    try ExplainReport.render(key: key.value, config: config, keyOrigin: key.origin))
            } catch {
                throw CommandFailure(exitCode: .usageError, diagnostics: error.diagnostics)
            }
            return .success
        }
        let plan = try loading.plan(resolve: parsed.flag(.resolve))
        if parsed.string(.format) == "json" {
            context.standardOutput.write(PlanRenderer.json(plan).rendered(pretty: true) + "\n")
        } else {
            context.standardOutput.write(PlanRenderer.text(plan))
        }
        return .success
    }
}
