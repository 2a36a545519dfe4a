import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// Runs one command: reads its parsed values, does the work, returns the exit status or throws
/// a `CommandFailure`.
public typealias CommandHandler = @Sendable (ParsedCommand, CommandContext) throws -> ExitCode

/// The handlers of a build, keyed by command path (`["config", "show"]`).
///
/// A command without a handler is still parsed and documented, and running it reports
/// `cli.not-implemented` with exit status 69. The handlers of this build are derived from the
/// command tree: `CommandRegistry.standard`.
public struct CommandRegistry: Sendable {
    private var handlers: [[String]: CommandHandler] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Creates a registry from `(path, handler)` pairs; a later pair for the same path wins.
    public init(_ entries: [(path: [String], handler: CommandHandler)]) {
        for entry in entries {
            register(entry.path, entry.handler)
        }
    }

    /// Registers the handler of the command at `path` (canonical names, no program name).
    public mutating func register(_ path: [String], _ handler: @escaping CommandHandler) {
        assert(MinoCommand.spec.chain(to: path) != nil, "no command mino \(path.joined(separator: " "))")
        handlers[path] = handler
    }

    /// The handler registered for `path`, if any.
    public func handler(for path: [String]) -> CommandHandler? {
        handlers[path]
    }

    /// Every path that has a handler.
    public var paths: Set<[String]> {
        Set(handlers.keys)
    }
}
