import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// `mino config show` (also `mino config`): the effective configuration as TOML, built-in
/// defaults merged with the global config file.
enum ConfigShowCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let locations = ConfigLocations(parsed: parsed, context: context)
        let (global, warnings) = try ConfigFileReader.loadGlobal(locations)
        var notes = warnings
        if !parsed.flag(.noLocal), let project = locations.discoverProjectConfig(from: context.currentDirectory) {
            notes.append(.projectConfigNotMerged(locations.display(project)))
        }
        if !notes.isEmpty {
            context.standardError.write(DiagnosticPresentation(parsed: parsed, context: context).renderer.render(notes))
        }
        let effective = EffectiveConfig(layers: [.defaults, global])
        context.standardOutput.write(effective.renderedTOML())
        return .success
    }
}
