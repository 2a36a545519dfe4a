import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// The audit log: `<state>/audit.log`, JSON Lines, mode 0600, one event per line:
/// `{"data":{…},"event":"session.created","timestamp":"…"}`.
///
/// Appends are safe under concurrency: each line is written with one `write(2)` on an
/// `O_APPEND` descriptor under an exclusive `flock`. INVARIANT: callers pass names, ids, codes
/// and provider names — never a secret value. Failures to write warn but never fail a command.
package struct AuditLog {
    package let path: String
    package let enabled: Bool

    package init(state: StateDirectory, enabled: Bool) {
        self.path = state.file("audit.log")
        self.enabled = enabled
    }

    /// Appends one event; returns a warning if it could not be written.
    @discardableResult
    package func record(_ event: String, _ data: [String: JSONValue], now: Date = Date()) -> Diagnostic? {
        guard enabled else { return nil }
        let line =
            JSONValue.object([
                "timestamp": .string(SessionRecord.timestamp(now)), "event": .string(event), "data": .object(data),
            ]).rendered() + "\n"
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return .auditUnwritable(path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBufferPointer { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count ? nil : .auditUnwritable(path, reason: "short write")
    }
}

extension Diagnostic {
    package static func auditUnwritable(_ path: String, reason: String) -> Diagnostic {
        .warning(
            "audit.unwritable", "cannot append to the audit log `\(path)`: \(reason)",
            help: "check the permissions of the state directory")
    }
}
