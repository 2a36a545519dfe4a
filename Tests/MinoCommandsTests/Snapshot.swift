import Foundation
import TestSupport
import Testing

/// Compares text with a file under `Snapshots/`, re-recording on request.
///
/// With `MINO_RECORD_SNAPSHOTS=1`, or when the file is missing, the actual text is written and
/// the test FAILS, so a recording can never pass CI by accident. On a mismatch the failure
/// shows a line diff and the command that re-records.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    /// Every snapshot file on disk, by name without extension.
    static func existingNames() throws -> Set<String> {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return Set(files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) })
    }

    static func assertMatches(
        _ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        GoldenFile.assertMatches(
            actual, file: directory.appendingPathComponent(name + ".txt"), name: "Snapshot Snapshots/\(name).txt",
            recordVariable: "MINO_RECORD_SNAPSHOTS", filter: "HelpSnapshotTests", sourceLocation: sourceLocation)
    }

    /// The removed and inserted lines, each with its line number.
    static func lineDiff(from old: String, to new: String) -> String {
        GoldenFile.lineDiff(from: old, to: new)
    }
}
