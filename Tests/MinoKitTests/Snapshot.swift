import Foundation
import Testing

/// Compares text with a file under `Snapshots/`, re-recording on request.
///
/// With `MINO_RECORD_SNAPSHOTS=1`, or when the file is missing, the actual text is written and
/// the test FAILS, so a recording can never pass CI by accident. On a mismatch the failure
/// shows a line diff and the command that re-records.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static var isRecording: Bool {
        ProcessInfo.processInfo.environment["MINO_RECORD_SNAPSHOTS"] == "1"
    }

    /// Every snapshot file on disk, by name without extension.
    static func existingNames() throws -> Set<String> {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return Set(files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) })
    }

    static func assertMatches(
        _ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let file = directory.appendingPathComponent(name + ".txt")
        let expected = try? String(contentsOf: file, encoding: .utf8)
        if isRecording || expected == nil {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
                Issue.record(
                    "Recorded snapshot Snapshots/\(name).txt. Re-run without MINO_RECORD_SNAPSHOTS to verify it.",
                    sourceLocation: sourceLocation)
            } catch {
                Issue.record("Could not record Snapshots/\(name).txt: \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected, expected != actual else { return }
        Issue.record(
            """
            Snapshot Snapshots/\(name).txt does not match (- snapshot, + actual):
            \(lineDiff(from: expected, to: actual))
            If the change is intended, re-record with: MINO_RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshotTests
            """, sourceLocation: sourceLocation)
    }

    /// The removed and inserted lines, each with its line number.
    static func lineDiff(from old: String, to new: String) -> String {
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
