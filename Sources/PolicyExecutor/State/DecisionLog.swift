import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A session's decision log: one JSON object per line (JSON Lines), appended, never rewritten,
/// mode 0600, next to the session's record. It holds names, record types, rules, addresses and
/// counts — never a secret.
package final class DecisionLog: @unchecked Sendable {
    /// The file.
    package let path: String
    private let descriptor: Int32
    private let lock = NSLock()

    /// The log of session `name` in `store`.
    package static func path(of name: String, in store: SessionStore) -> String {
        store.directory + "/" + name + ".decisions.jsonl"
    }

    /// Opens (creating) the log for appending; `nil` when it cannot be opened.
    package init?(path: String) {
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard opened >= 0 else { return nil }
        self.path = path
        descriptor = opened
    }

    deinit {
        close(descriptor)
    }

    /// Appends one record (a JSON object), with `time` set to now (RFC 3339, UTC).
    package func append(_ members: [String: JSONValue]) {
        var members = members
        members["time"] = .string(SessionRecord.timestamp(Date()))
        let line = Array((JSONValue.object(members).rendered() + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        // One write per line: appends of other writers never interleave inside it.
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Every record of the log at `path` that parses, in order; malformed lines are skipped
    /// (the count says how many).
    package static func read(_ path: String, limit: Int = 16 << 20) -> (records: [[String: Any]], malformed: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? Data()
        var records: [[String: Any]] = []
        var malformed = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
                records.append(object)
            } else {
                malformed += 1
            }
        }
        return (records, malformed)
    }
}
