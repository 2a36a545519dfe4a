import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// What every session command needs: the runner, podman, the state files and the audit log.
package struct Executor {
    /// mino's environment (podman and the tools run with it).
    package let environment: [String: String]
    package let runner: any CommandRunner
    package let podman: PodmanClient
    package let state: StateDirectory
    package let store: SessionStore

    package init(environment: [String: String], runner: any CommandRunner) throws(ExecutorFailure) {
        self.environment = environment
        self.runner = runner
        self.podman = PodmanClient(runner: runner, environment: environment)
        self.state = StateDirectory(environment: environment)
        self.store = SessionStore(state: state)
        do {
            try state.ensure()
            try store.ensure()
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
    }

    /// The audit log, on unless the configuration turned it off.
    package func audit(enabled: Bool = true) -> AuditLog {
        AuditLog(state: state, enabled: enabled)
    }

    /// Finds sessions whose supervising process died (killed, crashed, machine suspended past
    /// it): their container is stopped and removed, and the record says what happened.
    /// Run by every session command before it looks at sessions.
    @discardableResult
    package func reconcile(_ records: [SessionRecord]? = nil) -> [SessionRecord] {
        var cleaned = [SessionRecord]()
        for record in records ?? store.all() where record.isActive {
            guard !ProcessIdentity.isAlive(pid: record.ownerPID, startTime: record.ownerStartTime) else { continue }
            // A starting session without an owner yet may belong to a run in progress: only
            // claim it when it is old enough that the run must have died.
            if record.ownerPID == nil, Date().timeIntervalSince(record.createdAt) < 120 { continue }
            if let id = record.containerID {
                podman.stopAndRemove(id, seconds: 5)
            } else {
                podman.stopAndRemove(record.containerName, seconds: 5)
            }
            // The fence hook's files and socket of a session whose resolver died with its owner.
            if let directory = record.runtimeDirectory { try? FileManager.default.removeItem(atPath: directory) }
            if let updated = try? store.update(
                record.name,
                { record in
                    guard record.isActive else { return }
                    record.status = .failed
                    record.endReason = "supervisor exited; container stopped and removed"
                })
            {
                audit().record(
                    "session.orphaned",
                    ["name": .string(updated.name), "container": .string(updated.containerID ?? updated.containerName)])
                cleaned.append(updated)
            }
        }
        return cleaned
    }

    /// This process's identity for `owner_pid` / `owner_start_time`.
    package static func ownIdentity() -> (pid: Int32, startTime: UInt64?) {
        let pid = getpid()
        return (pid, ProcessIdentity.startTime(of: pid))
    }
}

extension Diagnostic {
    package static func stateUnusable(_ path: String, reason: String) -> Diagnostic {
        .error(
            "state.unusable", "cannot use the state directory `\(path)`: \(reason)",
            help: "check permissions, or point XDG_STATE_HOME at a writable directory")
    }

    package static func sessionExists(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "session.exists", "a session named `\(name)` already exists", at: origin,
            help:
                "choose another name with -n; an ended session keeps its name until it is forgotten, "
                + "`session.auto_cleanup_hours` after it ended (`mino list -a` shows it)")
    }

    package static func sessionNotFound(_ name: String, at origin: Origin?) -> Diagnostic {
        .error("session.not-found", "no session named `\(name)`", at: origin, help: "`mino list -a` lists the sessions")
    }

    package static func noActiveSessions() -> Diagnostic {
        .error("session.none-active", "no session is running", help: "start one with `mino run`")
    }

    package static func sessionNotRunning(_ name: String, status: String) -> Diagnostic {
        .error(
            "session.not-running", "session `\(name)` is not running (status: \(status))",
            help: "`mino list` shows the running sessions")
    }
}
