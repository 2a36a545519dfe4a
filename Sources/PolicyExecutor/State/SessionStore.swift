import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// The session files under `<state>/sessions/`.
///
/// INVARIANT: a record is created exclusively (a fully written temporary file is hard-linked
/// to the final name, which fails if the name exists), so two concurrent `mino run -n same`
/// cannot both proceed; every update rewrites the file atomically under the sessions lock.
package struct SessionStore {
    package let directory: String
    private let lockPath: String

    package init(state: StateDirectory) {
        directory = state.file("sessions")
        lockPath = state.file("sessions.lock")
    }

    package func path(_ name: String) -> String { directory + "/" + name + ".json" }

    /// Creates the directory (0700) if needed.
    package func ensure() throws(StateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateError(path: directory, reason: "cannot create the sessions directory")
        }
    }

    /// Creates a new record; `false` when a session of that name already exists.
    package func create(_ record: SessionRecord) throws(StateError) -> Bool {
        try ensure()
        // A name of its own per call: two creates in one process never share a staging file.
        let temporary = directory + "/.\(record.name).\(getpid()).\(UUID().uuidString).new"
        try AtomicFile.write(
            Data((record.json.rendered(pretty: true) + "\n").utf8), to: temporary, mode: 0o600, durable: false)
        defer { unlink(temporary) }
        if link(temporary, path(record.name)) == 0 { return true }
        if errno == EEXIST { return false }
        throw StateError(path: path(record.name), reason: "cannot create: \(String(cString: strerror(errno)))")
    }

    /// The record of a session, if it exists and parses.
    package func load(_ name: String) -> SessionRecord? {
        guard SessionName.isValid(name), let data = FileManager.default.contents(atPath: path(name)) else { return nil }
        return SessionRecord(json: data)
    }

    /// Every record that parses, newest first.
    package func all() -> [SessionRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { load(String($0.dropLast(5))) }
            .sorted { $0.createdAt > $1.createdAt }
    }

    /// Changes a record under the lock; returns the new record, or `nil` if it is gone.
    @discardableResult
    package func update(_ name: String, _ change: (inout SessionRecord) -> Void) throws(StateError) -> SessionRecord? {
        do {
            return try FileLock.withLock(lockPath) { () throws -> SessionRecord? in
                guard var record = load(name) else { return nil }
                change(&record)
                record.updatedAt = Date()
                try AtomicFile.write(
                    Data((record.json.rendered(pretty: true) + "\n").utf8), to: path(name), mode: 0o600,
                    durable: false)
                return record
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(path: path(name), reason: "cannot update")
        }
    }

    /// Deletes a record and its decision log.
    package func remove(_ name: String) {
        unlink(path(name))
        unlink(DecisionLog.path(of: name, in: self))
    }

    /// Removes ended sessions not updated for `hours` hours (0 keeps them forever).
    package func removeEnded(olderThan hours: Int64, in records: [SessionRecord]? = nil, now: Date = Date()) {
        guard hours > 0 else { return }
        let cutoff = now.addingTimeInterval(-Double(hours) * 3600)
        for record in records ?? all() where !record.isActive && record.updatedAt < cutoff {
            remove(record.name)
        }
    }

    /// A fresh `session-<8 hex>` name.
    package static func generatedName() -> String {
        // The first 8 characters of a UUID hold no dash.
        "session-" + UUID().uuidString.prefix(8).lowercased()
    }
}

/// Identifies a live process by pid and start time, so a recycled pid never counts as the
/// process that once had it.
package enum ProcessIdentity {
    /// The start time (clock ticks after boot) of a live process, or `nil` if it is gone.
    package static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: split after it.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: field 3 is the state, so field 22 (start time) is index 19.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Whether the process recorded as (`pid`, `startTime`) is still running.
    package static func isAlive(pid: Int32?, startTime: UInt64?) -> Bool {
        guard let pid, let current = self.startTime(of: pid) else { return false }
        return startTime == nil || current == startTime
    }
}
