import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino policy explain KEY`: the value of a setting and every layer that set or overrode it
/// (built-in defaults, global config, the trust-gated project config, `MINO_LAYERS`).
enum PolicyExplainCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "explain",
        abstract: "Show the value of a setting and where it comes from",
        arguments: [ArgumentSpec(.key, help: "Dotted key, e.g. container.network")])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let loader = PolicyLoader(parsed: parsed, context: context)
        let loaded = try loader.load(projectDirectory: context.currentDirectory)
        if !loaded.warnings.isEmpty {
            context.standardError.write(
                DiagnosticPresentation(parsed: parsed, context: context).renderer.render(loaded.warnings))
        }
        let key = parsed.argument(.key)
        do {
            context.standardOutput.write(
                try ExplainReport.render(key: key?.value ?? "", config: loaded.config, keyOrigin: key?.origin))
        } catch {
            throw CommandFailure(exitCode: .usageError, diagnostics: error.diagnostics)
        }
        return .success
    }
}
