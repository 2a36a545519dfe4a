import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// The command tree a completion script covers.
protocol CommandTreeSource {
    /// The root spec, with the commands this build runs marked implemented.
    static var implementedTree: CommandSpec { get }
}

/// `mino completions bash|zsh|fish`: prints the completion script for the commands this build
/// runs, generated from the same declaration the parser uses.
///
/// The tree is a type parameter (`CompletionsCommand<MinoCommand>`) because the command is
/// itself a node of that tree: naming the root here would make this folder and the root's
/// depend on each other.
enum CompletionsCommand<Tree: CommandTreeSource>: RunnableCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "completions",
            abstract: "Print a shell completion script",
            discussion: """
                Writes a completion script for the whole command tree to standard output, for example:
                  mino completions bash > ~/.local/share/bash-completion/completions/mino
                """,
            arguments: [
                ArgumentSpec(.shell, help: "The shell to complete for", allowedValues: ["bash", "zsh", "fish"])
            ])
    }

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let model = CompletionModel(
            root: Tree.implementedTree, builtinLayers: ImageResolution.layerAliases.keys.sorted())
        switch parsed.argument(.shell)?.value {
        case "bash": context.standardOutput.write(POSIXCompletionScript.bash(model))
        case "zsh": context.standardOutput.write(POSIXCompletionScript.zsh(model))
        case "fish": context.standardOutput.write(FishCompletionScript.render(model))
        default: return .usageError
        }
        return .success
    }
}
