import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct HelpSnapshotTests {
    /// Every command of the tree, `[]` being `mino` itself.
    static let paths = MinoCommand.spec.allPaths

    static func snapshotName(_ path: [String]) -> String {
        (["mino"] + path).joined(separator: "-")
    }

    @Test(arguments: paths)
    func helpMatchesItsSnapshot(path: [String]) {
        let run = MinoRun(["help"] + path, width: 80)
        #expect(run.status == 0)
        Snapshot.assertMatches(run.stdout, named: Self.snapshotName(path))
    }

    @Test func everySnapshotFileBelongsToACommand() throws {
        let produced = Set(Self.paths.map(Self.snapshotName))
        let stale = try Snapshot.existingNames().subtracting(produced)
        #expect(stale.isEmpty, "snapshots no test produces (delete them): \(stale.sorted())")
    }

    @Test func snapshotDiffNamesTheChangedLines() {
        let diff = Snapshot.lineDiff(from: "a\nb\nc\n", to: "a\nB\nc\n")
        #expect(diff == "-2: b\n+2: B")
    }
}
