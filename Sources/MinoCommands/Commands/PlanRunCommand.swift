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
enum PlanRunCommand {
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
