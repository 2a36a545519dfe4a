import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// mino's own RFC 3339 writer and reader, against Foundation's formatter as the reference.
@Suite struct TimestampTests {
    @Test func formatsLikeFoundationAndReadsItBack() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Double(Int64.random(in: 0..<4_102_444_800_000, using: &generator))
            let date = Date(timeIntervalSince1970: milliseconds / 1000)
            let text = Timestamp.format(date)
            #expect(text == reference.string(from: date), "\(milliseconds)")
            let ours = Timestamp.parse(text)?.timeIntervalSince1970 ?? 0
            let theirs = reference.date(from: text)?.timeIntervalSince1970 ?? 1
            #expect(abs(ours - theirs) < 0.000_001, "\(text)")
        }
    }

    @Test func readsOffsetsAndWholeSeconds() {
        #expect(Timestamp.parse("2026-11-22T17:31:38Z")?.timeIntervalSince1970 == 1_795_368_698)
        #expect(Timestamp.parse("2026-11-22T18:31:38+01:00")?.timeIntervalSince1970 == 1_795_368_698)
        #expect(Timestamp.parse("2026-11-22T12:01:38.5-05:30")?.timeIntervalSince1970 == 1_795_368_698.5)
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-11-22T17:31:38", "2026-13-01T00:00:00Z", "2026-11-22T17:31:38.Z",
        "2026-11-22T17:31:38Zx", "2026-11-22 17:31:38Z", "２026-11-22T17:31:38Z", "2026-11-22T17:31:38+0100",
    ])
    func rejectsAnythingElse(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
