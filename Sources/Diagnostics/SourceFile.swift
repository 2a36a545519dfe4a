import Foundation

/// A half-open range of byte offsets into a source file's UTF-8 bytes.
///
/// Offsets, not line/column pairs, are stored everywhere; lines and columns are computed only
/// when a diagnostic is rendered (see `SourceFile.location(of:)`).
public struct SourceSpan: Hashable, Sendable, Codable {
    /// The offset of the first byte.
    public var start: Int
    /// The offset one past the last byte; equal to `start` for an empty span.
    public var end: Int

    /// Creates a span covering `start..<end`.
    public init(start: Int, end: Int) {
        precondition(start <= end, "span start after end")
        self.start = start
        self.end = end
    }

    /// An empty span at `offset` (a position between two bytes).
    public static func point(_ offset: Int) -> SourceSpan {
        SourceSpan(start: offset, end: offset)
    }

    /// The number of bytes covered.
    public var count: Int { end - start }

    /// The smallest span covering both `self` and `other`.
    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }
}

/// A 1-based line and column; columns count UTF-8 bytes, as swiftc's do.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column, counted in UTF-8 bytes from the start of the line.
    public var column: Int

    /// Creates a location from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// The bytes of one input (a config file, a preset, standard input) and the name it is shown as.
///
/// A class so that every `Origin` pointing into the file can share it; immutable, hence
/// `Sendable`. Identity does not matter: two files are equal when path and bytes are.
public final class SourceFile: Sendable, Hashable, CustomStringConvertible {
    /// The path shown to users (as given, not canonicalised), e.g. `.mino.toml` or `<stdin>`.
    public let path: String
    /// The raw bytes, exactly as read.
    public let bytes: [UInt8]
    /// Offsets of the first byte of every line; line N (1-based) starts at `lineStarts[N - 1]`.
    private let lineStarts: [Int]

    /// Creates a source file from raw bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index] == UInt8(ascii: "\n") {
                starts.append(index + 1)
            }
        }
        self.lineStarts = starts
    }

    /// Creates a source file from text (encoded as UTF-8).
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The number of lines (a final newline does not start a new, empty line of content,
    /// but an offset at the very end still maps to a line).
    public var lineCount: Int { lineStarts.count }

    /// The line and column of a byte offset. Offsets past the end clamp to the end.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        // Binary search for the last line start <= clamped.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped {
                low = mid
            } else {
                high = mid - 1
            }
        }
        return SourceLocation(line: low + 1, column: clamped - lineStarts[low] + 1)
    }

    /// The bytes of a 1-based line without its line terminator (`\n` or `\r\n`).
    public func lineBytes(_ line: Int) -> ArraySlice<UInt8> {
        guard line >= 1, line <= lineStarts.count else { return [] }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return bytes[start..<max(start, end)]
    }

    /// The offset at which a 1-based line starts.
    public func offset(ofLine line: Int) -> Int {
        lineStarts[max(0, min(line - 1, lineStarts.count - 1))]
    }

    /// The text of a span, with invalid UTF-8 replaced.
    public func text(of span: SourceSpan) -> String {
        let start = max(0, min(span.start, bytes.count))
        let end = max(start, min(span.end, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public var description: String { path }

    public static func == (lhs: SourceFile, rhs: SourceFile) -> Bool {
        lhs === rhs || (lhs.path == rhs.path && lhs.bytes == rhs.bytes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(bytes.count)
    }
}
