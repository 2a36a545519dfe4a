import Foundation
import Testing

/// Compares produced text with a checked-in file, recording on request.
///
/// With the recording variable set (`MINO_RECORD_GOLDENS=1` or `MINO_RECORD_SNAPSHOTS=1`), or
/// when the file is missing, the actual text is written and the test FAILS, so a recording can
/// never pass CI by accident. On a mismatch the failure shows a line diff and how to re-record.
public enum GoldenFile {
    /// Whether `variable` asks for re-recording.
    public static func isRecording(_ variable: String) -> Bool {
        ProcessInfo.processInfo.environment[variable] == "1"
    }

    /// Checks `actual` against `file`; `name` is how the file is named in messages.
    public static func assertMatches(
        _ actual: String, file: URL, name: String, recordVariable: String, filter: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let expected = try? String(contentsOf: file, encoding: .utf8)
        if isRecording(recordVariable) || expected == nil {
            do {
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
                Issue.record(
                    "Recorded \(name). Re-run without \(recordVariable) to verify it.", sourceLocation: sourceLocation)
            } catch {
                Issue.record("Could not record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected, expected != actual else { return }
        Issue.record(
            """
            \(name) does not match (- expected, + actual):
            \(lineDiff(from: expected, to: actual))
            If the change is intended, re-record with: \(recordVariable)=1 swift test --filter \(filter)
            """, sourceLocation: sourceLocation)
    }

    /// The removed and inserted lines, each with its line number.
    public static func lineDiff(from old: String, to new: String) -> String {
        let oldLines = old.components(separatedBy: "\n")
        let newLines = new.components(separatedBy: "\n")
        var lines: [String] = []
        for change in newLines.difference(from: oldLines) {
            switch change {
            case .remove(let offset, let line, _): lines.append("-\(offset + 1): \(line)")
            case .insert(let offset, let line, _): lines.append("+\(offset + 1): \(line)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
