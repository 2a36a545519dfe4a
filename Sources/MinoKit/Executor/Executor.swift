import Backends
import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML

/// What every session command needs: the runner, podman, the state files and the audit log.
struct Executor {
    let context: CommandContext
    let runner: any CommandRunner
    let podman: PodmanClient
    let state: StateDirectory
    let store: SessionStore

    init(context: CommandContext) throws(CommandFailure) {
        self.context = context
        self.runner = try context.runner()
        self.podman = PodmanClient(runner: runner, environment: context.environment)
        self.state = StateDirectory(environment: context.environment)
        self.store = SessionStore(state: state)
        do {
            try state.ensure()
            try store.ensure()
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.stateUnusable(error.path, reason: error.reason)])
        }
    }

    /// The audit log, on unless the configuration turned it off.
    func audit(enabled: Bool = true) -> AuditLog {
        AuditLog(state: state, enabled: enabled)
    }

    /// Host facts for compiling a run, from the system alone: identity, limits, rootless mode
    /// (podman is rootless exactly when mino is not root) and cgroup version. No podman call:
    /// each costs 35 ms (`podman info` 350 ms) against a 200 ms container run, and a missing or
    /// broken podman is reported by the first real one (`image exists`), naming `mino setup`.
    func hostFacts() -> HostFacts {
        HostFactsProbe.probe(context: context)
    }

    /// Finds sessions whose supervising process died (killed, crashed, machine suspended past
    /// it): their container is stopped and removed, and the record says what happened.
    /// Run by every session command before it looks at sessions.
    @discardableResult
    func reconcile(_ records: [SessionRecord]? = nil) -> [SessionRecord] {
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
    static func ownIdentity() -> (pid: Int32, startTime: UInt64?) {
        let pid = getpid()
        return (pid, ProcessIdentity.startTime(of: pid))
    }
}

extension Diagnostic {
    static func stateUnusable(_ path: String, reason: String) -> Diagnostic {
        .error(
            "state.unusable", "cannot use the state directory `\(path)`: \(reason)",
            help: "check permissions, or point XDG_STATE_HOME at a writable directory")
    }

    static func sessionExists(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "session.exists", "a session named `\(name)` already exists", at: origin,
            help:
                "choose another name with -n; an ended session keeps its name until it is forgotten, "
                + "`session.auto_cleanup_hours` after it ended (`mino list -a` shows it)")
    }

    static func sessionNotFound(_ name: String, at origin: Origin?) -> Diagnostic {
        .error("session.not-found", "no session named `\(name)`", at: origin, help: "`mino list -a` lists the sessions")
    }

    static func noActiveSessions() -> Diagnostic {
        .error("session.none-active", "no session is running", help: "start one with `mino run`")
    }

    static func sessionNotRunning(_ name: String, status: String) -> Diagnostic {
        .error(
            "session.not-running", "session `\(name)` is not running (status: \(status))",
            help: "`mino list` shows the running sessions")
    }
}
