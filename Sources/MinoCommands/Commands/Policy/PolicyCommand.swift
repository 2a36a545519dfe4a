import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino policy`: check, explain and query policies without running anything.
enum PolicyCommand: CommandGroup {
    static var subcommands: [any CommandNode.Type] {
        [PolicyCheckCommand.self, PolicyExplainCommand.self, PolicyQueryCommand.self]
    }

    static let spec = CommandSpec(
        name: "policy",
        abstract: "Check, explain and query sandbox policies",
        subcommands: subcommands.map { $0.spec })
}
