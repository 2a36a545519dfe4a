import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino completions bash|zsh|fish`: prints the completion script for the commands this build
/// runs, generated from the same declaration the parser uses.
import TOML

enum CompletionsScriptCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let model = CompletionModel(
            root: MinoCommand.spec.markingImplemented(CommandRegistry.standard.paths),
            builtinLayers: ImageResolution.layerAliases.keys.sorted())
        switch parsed.argument(.shell)?.value {
        case "bash": context.standardOutput.write(POSIXCompletionScript.bash(model))
        case "zsh": context.standardOutput.write(POSIXCompletionScript.zsh(model))
        case "fish": context.standardOutput.write(FishCompletionScript.render(model))
        default: return .usageError
        }
        return .success
    }
}
