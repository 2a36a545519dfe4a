import Diagnostics
import EgressPolicy
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A session's decision log: one JSON object per line (JSON Lines), appended, never rewritten,
/// mode 0600, next to the session's record, at most `maximumBytes`. It holds names, record
/// types, rules, addresses and counts — never a secret.
package final class DecisionLog: @unchecked Sendable {
    /// The file.
    package let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    /// Lines not yet written: flushed every 100 ms, at 64 KiB and on `flush()`, so a flood of
    /// decisions costs one write per batch, not one per line.
    private var buffer: [UInt8] = []
    private var timer: DispatchSourceTimer?
    /// Bytes in the file and buffered: a flood of refused names stops being logged line by line
    /// at `maximumBytes` (the refusals still happen and are still counted in the record).
    private var size: Int
    /// How large a session's log grows at most.
    package static let maximumBytes = 64 << 20

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
        var status = stat()
        size = fstat(opened, &status) == 0 ? Int(status.st_size) : 0
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mino.decision-log"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        self.timer = timer
    }

    deinit {
        timer?.cancel()
        flush()
        close(descriptor)
    }

    /// Writes what is buffered. Whole lines only, in one `write` each batch.
    package func flush() {
        lock.lock()
        defer { lock.unlock() }
        writeBuffered()
    }

    private func writeBuffered() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Now, as records carry it (RFC 3339, UTC).
    package static func now() -> String { SessionRecord.timestamp(Date()) }

    /// Appends one record.
    package func append(_ record: DecisionRecord) {
        let line = Array((record.jsonLine + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        guard size + line.count <= Self.maximumBytes else { return }
        size += line.count
        buffer += line
        if buffer.count >= 64 << 10 { writeBuffered() }
    }

    /// Every record of the log at `path` that decodes, in order, and how many lines did not
    /// (a damaged line never stops the others); `nil` when there is no log.
    package static func read(_ path: String, limit: Int = 16 << 20) -> (records: [DecisionRecord], malformed: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit)) ?? Data()
        var records: [DecisionRecord] = []
        var malformed = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let record = try? DecisionRecord(jsonLine: String(decoding: line, as: UTF8.self)) {
                records.append(record)
            } else {
                malformed += 1
            }
        }
        return (records, malformed)
    }
}
