import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

extension CommandRegistry {
    /// The commands this build can run: every `RunnableCommand` of the tree under
    /// `MinoCommand`, at the path of its spec. A command is added by listing its type in
    /// `MinoCommand.subcommands` (or in its group's `subcommands`), nowhere else.
    ///
    /// Help (`--help`, `mino help …`) and `--version` are answered by the application itself
    /// and need no entry here.
    public static let standard = CommandRegistry(
        MinoCommand.runnableCommands.map { entry in
            (path: entry.path, handler: { parsed, context in try entry.command.run(parsed, context) })
        })
}
