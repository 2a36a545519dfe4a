import MinoCLI
import PolicyExecutor

/// The session a command names: the executor (orphans reconciled first) and its record.
enum SessionLookup {
    /// The record of the session named by the command's `SESSION` argument.
    static func named(_ parsed: ParsedCommand, _ context: CommandContext) throws -> (Executor, SessionRecord) {
        let executor = try Executor(context: context)
        executor.reconcile()
        let argument = parsed.argument(.session)
        let name = argument?.value ?? ""
        guard let record = executor.store.load(name) else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.sessionNotFound(name, at: argument?.origin)])
        }
        return (executor, record)
    }
}
