import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Writes files so that readers see the old content or the new one, never a torn mix: the data
/// goes to a temporary file in the same directory, is flushed, then renamed over the target.
/// A failed write removes its temporary file and leaves the target untouched.
package enum AtomicFile {
    /// Writes `data` to `path`. `durable`: flush to disk before the rename (config, trust and
    /// cache state); without it a crash of the machine may lose the write, but a killed process
    /// still never leaves a torn file (session records: short-lived, rewritten every session).
    package static func write(_ data: Data, to path: String, mode: mode_t = 0o600, durable: Bool = true)
        throws(StateError)
    {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else {
            throw StateError(path: path, reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, failure == nil {
                let written = Foundation.write(
                    descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    failure = String(cString: strerror(errno))
                }
            }
        }
        if failure == nil, fchmod(descriptor, mode) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, durable, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw StateError(path: path, reason: "cannot write: \(failure)")
        }
    }
}
