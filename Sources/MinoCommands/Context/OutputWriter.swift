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

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a command writes text: the process's standard output or error, or a buffer in tests.
public struct OutputWriter: Sendable {
    private let sink: @Sendable (String) -> Void

    /// Creates a writer that hands every piece of text to `sink`.
    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Writes text as is (no newline is added).
    public func write(_ text: String) {
        sink(text)
    }

    /// A writer that drops everything.
    public static let discarding = OutputWriter { _ in }

    /// A writer to an open file descriptor (1 for standard output, 2 for standard error);
    /// short writes are continued and interrupted ones retried, other errors drop the rest.
    public static func fileDescriptor(_ descriptor: Int32) -> OutputWriter {
        OutputWriter { text in
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBufferPointer { buffer -> Int in
                    guard let base = buffer.baseAddress else { return -1 }
                    return Foundation.write(descriptor, base + offset, bytes.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// Collects what is written to it, for tests and for callers that post-process output.
public final class OutputBuffer: @unchecked Sendable {
    // INVARIANT: `storage` is only touched while holding `lock`.
    private let lock = NSLock()
    private var storage = ""

    /// Creates an empty buffer.
    public init() {}

    /// Everything written so far.
    public var text: String {
        lock.withLock { storage }
    }

    /// A writer that appends to this buffer.
    public var writer: OutputWriter {
        OutputWriter { [self] text in
            lock.withLock { storage += text }
        }
    }
}
