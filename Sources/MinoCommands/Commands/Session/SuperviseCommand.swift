import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino supervise SESSION` (internal, hidden): the background process of a detached session.
/// It owns the session (its pid is the record's `owner_pid`), keeps the network fence fresh,
/// waits for the container to end, removes it and records the exit code — so a detached
/// session finalises on its own and a later `mino list` shows how it ended.
enum SuperviseCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "supervise", abstract: "Supervise a detached session (started by mino run -d)",
        arguments: [ArgumentSpec(.session, help: "Name of the session")], isHidden: true)

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let executor = try Executor(context: context)
        let name = parsed.argument(.session)?.value ?? ""
        guard let record = executor.store.load(name), record.isActive, record.containerID != nil else {
            return .failure
        }
        let owner = Executor.ownIdentity()
        _ = try? executor.store.update(name) { record in
            record.ownerPID = owner.pid
            record.ownerStartTime = owner.startTime
        }
        var facts = HostFactsProbe.probe(context: context)
        facts.isRootless = geteuid() != 0
        var current = record
        current.ownerPID = owner.pid
        SupervisorExecution(executor: executor, record: current, facts: facts).run()
        return .success
    }
}
