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
enum SuperviseCommand {
    static let spec = CommandSpec(
        name: "supervise", abstract: "Supervise a detached session (started by mino run -d)",
        arguments: [ArgumentSpec(.session, help: "Name of the session")], isHidden: true)

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let executor = try Executor(context: context)
        let name = parsed.argument(.session)?.value ?? ""
        guard let record = executor.store.load(name), record.isActive, let id = record.containerID else {
            return .failure
        }
        let owner = Executor.ownIdentity()
        _ = try? executor.store.update(name) { record in
            record.ownerPID = owner.pid
            record.ownerStartTime = owner.startTime
        }
        let audit = executor.audit(enabled: record.auditLog)
        var facts = HostFactsProbe.probe(context: context)
        facts.isRootless = geteuid() != 0
        let refresher = FenceRefresh.refresher(record: record, facts: facts, executor: executor, audit: audit)
        refresher?.start()
        // `podman wait` prints the exit code when the container ends (it may already be gone).
        let result = try? executor.runner.run(
            ProcessSpec("podman", ["wait", id], environment: context.environment), timeout: nil)
        refresher?.stop()
        let code = result.flatMap { Int32($0.outputText.trimmingCharacters(in: .whitespacesAndNewlines)) }
        executor.podman.stopAndRemove(id, seconds: 0)
        _ = try? executor.store.update(name) { record in
            guard record.isActive else { return }
            record.status = .stopped
            record.exitCode = code
            if code == nil { record.endReason = "container ended; exit code unknown" }
        }
        audit.record(
            "session.stopped", ["name": .string(name), "exit_code": code.map { .integer(Int64($0)) } ?? .null])
        if code == 0 { SessionCaches.finalise(record.cachesToFinalise, executor: executor) }
        return .success
    }
}
