import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino cache`: dependency caches, home volumes and composed images.
enum CacheCommand: CommandGroup {
    static var subcommands: [any CommandNode.Type] {
        [CacheListCommand.self, CacheInfoCommand.self, CacheGCCommand.self, CacheClearCommand.self]
    }

    static let spec = CommandSpec(
        name: "cache",
        abstract: "Manage dependency caches, home volumes and composed images",
        subcommands: subcommands.map { $0.spec })
}
