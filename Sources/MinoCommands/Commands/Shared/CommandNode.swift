import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// A node of the command tree: a command or a group of commands, declared by its spec.
///
/// A node that only declares (`mino help`, answered by the application itself) conforms to
/// this protocol alone; a command that runs is a `RunnableCommand`, a group a `CommandGroup`.
/// Nodes are types without values (caseless enums), hence `Sendable`: the registry's handlers
/// call them from any thread.
protocol CommandNode: Sendable {
    /// How the command is parsed and documented.
    static var spec: CommandSpec { get }
}

/// A command that runs: its spec and, in the same type, what it does.
protocol RunnableCommand: CommandNode {
    /// Reads the parsed values, does the work, returns the exit status or throws a
    /// `CommandFailure`.
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode
}

/// A node with subcommands (`mino config`, `mino cache`…): its spec's subcommands are the
/// specs of `subcommands`, in the same order.
protocol CommandGroup: CommandNode {
    /// The nodes under this one, in the order help lists them.
    static var subcommands: [any CommandNode.Type] { get }
}

extension CommandGroup {
    /// The runnable commands under this group, at any depth and in tree order, each with its
    /// path below the group (canonical names, e.g. `["config", "show"]`).
    static var runnableCommands: [(path: [String], command: any RunnableCommand.Type)] {
        subcommands.flatMap { node in
            let name = node.spec.name
            var found = [(path: [String], command: any RunnableCommand.Type)]()
            if let command = node as? any RunnableCommand.Type {
                found.append(([name], command))
            }
            if let group = node as? any CommandGroup.Type {
                found += group.runnableCommands.map { ([name] + $0.path, $0.command) }
            }
            return found
        }
    }
}
