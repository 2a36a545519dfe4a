import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyModel
import SessionPlanning

/// What the supervisor of a detached session does: the plan's supervisor steps, kept in the
/// session record by `mino run -d`, performed as they are — serve the session resolver, wait
/// for the container, remove it, finalise the caches after a clean exit, record how it ended.
package struct SupervisorExecution {
    let executor: Executor
    let record: SessionRecord
    let facts: HostFacts

    /// Creates the execution of `record`'s supervisor steps on a host with `facts`.
    package init(executor: Executor, record: SessionRecord, facts: HostFacts) {
        self.executor = executor
        self.record = record
        self.facts = facts
    }

    /// The steps: the record's, or for a record written before steps were kept, the same
    /// sequence by container id.
    var steps: [SessionStep] {
        guard record.supervisorSteps.isEmpty else { return record.supervisorSteps }
        let id = record.containerID ?? record.containerName
        return [
            SessionStep(
                .waitContainer, subject: id, performer: .supervisor, argv: ["podman"] + PodmanCommands.wait(id)),
            SessionStep(
                .removeContainer, subject: id, performer: .supervisor,
                argv: ["podman"] + PodmanCommands.remove(id, graceSeconds: 0)),
            SessionStep(.finaliseCaches, subject: "", performer: .supervisor),
            SessionStep(.recordEnd, subject: record.name, performer: .supervisor),
        ]
    }

    /// Performs the steps; returns the container's exit code, if `podman wait` told it.
    @discardableResult
    package func run() -> Int32? {
        let audit = executor.audit(enabled: record.auditLog)
        var resolver: SessionResolverService?
        defer { resolver?.stop() }
        var code: Int32?
        for step in steps {
            switch step.action {
            case .serveResolver:
                guard let configuration = record.resolver else { continue }
                let files = FenceHookFiles(directory: (step.subject as NSString).deletingLastPathComponent)
                do {
                    resolver = try SessionResolution.start(
                        configuration, files: files, session: record.name, store: executor.store, audit: audit)
                } catch {
                    // Nothing serves the hook: it fails, and the container never starts.
                    audit.record("network.resolver.failed", ["name": .string(record.name)])
                }
            case .waitContainer:
                // `podman wait` prints the exit code when the container ends (it may be gone). A
                // created container counts as ended: with a resolver, wait for its hook first
                // (the container is starting then), or for `mino run` to give up on starting it.
                guard let argv = step.argv, !argv.isEmpty else { continue }
                if let resolver {
                    for _ in 0..<180 {
                        if resolver.waitUntilServing(seconds: 1) { break }
                        if executor.store.load(record.name)?.isActive != true { break }
                    }
                }
                let result = try? executor.runner.run(
                    ProcessSpec(argv[0], Array(argv.dropFirst()), environment: executor.environment), timeout: nil)
                resolver?.stop()
                code = result.flatMap { Int32($0.outputText.trimmingCharacters(in: .whitespacesAndNewlines)) }
            case .removeContainer:
                guard let argv = step.argv, !argv.isEmpty else { continue }
                _ = try? executor.runner.run(
                    ProcessSpec(argv[0], Array(argv.dropFirst()), environment: executor.environment),
                    timeout: .seconds(60))
            case .finaliseCaches:
                if code == 0 { SessionCaches.finalise(record.cachesToFinalise, executor: executor) }
            case .recordEnd:
                let exitCode = code
                _ = try? executor.store.update(record.name) { record in
                    guard record.isActive else { return }
                    record.status = .stopped
                    record.exitCode = exitCode
                    if exitCode == nil { record.endReason = "container ended; exit code unknown" }
                }
                audit.record(
                    "session.stopped",
                    ["name": .string(record.name), "exit_code": exitCode.map { .integer(Int64($0)) } ?? .null])
            default:
                continue
            }
        }
        return code
    }
}
