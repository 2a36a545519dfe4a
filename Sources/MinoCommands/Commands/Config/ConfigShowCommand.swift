import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino config show` (also `mino config`): the effective configuration as TOML — built-in
/// defaults, the global config, the project `.mino.toml` after the trust gate (an unapproved
/// file contributes only its narrowing settings, with a warning per held-back key) and
/// `MINO_LAYERS`, exactly as `mino run` merges them. Never prompts; secrets are redacted.
enum ConfigShowCommand: RunnableCommand {
    static let spec = CommandSpec(name: "show", abstract: "Print the merged configuration as TOML")

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let loaded = try PolicyLoader(parsed: parsed, context: context).load(projectDirectory: context.currentDirectory)
        if !loaded.warnings.isEmpty {
            context.standardError.write(
                DiagnosticPresentation(parsed: parsed, context: context).renderer.render(loaded.warnings))
        }
        context.standardOutput.write(loaded.config.renderedTOML())
        return .success
    }
}
