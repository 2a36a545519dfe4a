import Dispatch
import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// The session files under concurrency: creation is exclusive and updates are atomic and
/// serialised. Every loop runs a fixed number of times.
@Suite struct SessionStoreTests {
    let home: TemporaryDirectory
    let store: SessionStore

    init() throws {
        home = try TemporaryDirectory()
        let state = StateDirectory(environment: ["HOME": home.path, "XDG_STATE_HOME": home.path + "/state"])
        try state.ensure()
        store = SessionStore(state: state)
        try store.ensure()
    }

    static func record(_ name: String, command: [String] = ["true"]) -> SessionRecord {
        SessionRecord(
            name: name, projectDirectory: "/work/project", command: command, containerName: "mino-" + name,
            image: "docker.io/library/alpine:latest", network: "none", detached: false, homeVolume: nil,
            wrapper: false, shell: "/bin/sh", user: "1000:1000", now: Date())
    }

    /// What one `create` call gave.
    enum Outcome: Equatable {
        case created(id: String)
        case refused
        case failed(String)
    }

    /// Runs `count` creates of records named `name` at once (each its own id).
    func concurrentCreates(_ name: String, count: Int) -> [Outcome] {
        let records = (0..<count).map { Self.record(name, command: ["contender-\($0)"]) }
        let outcomes = Outcomes(count: count)
        let store = store
        DispatchQueue.concurrentPerform(iterations: count) { index in
            do throws(StateError) {
                let created = try store.create(records[index])
                outcomes.set(index, created ? .created(id: records[index].id) : .refused)
            } catch {
                outcomes.set(index, .failed(error.reason))
            }
        }
        return outcomes.all
    }

    @Test func ofTwoConcurrentCreatesOfTheSameNameExactlyOneWins() throws {
        for round in 0..<50 {
            let name = "same-\(round)"
            let outcomes = concurrentCreates(name, count: 2)
            let winners = outcomes.compactMap { if case .created(let id) = $0 { id } else { nil } }
            #expect(winners.count == 1, "round \(round): \(outcomes)")
            #expect(store.load(name) != nil, "round \(round): no record")
        }
    }

    /// Two creates of one name in one process each stage their own file (they once shared
    /// `.NAME.PID.new`: a loser got ENOENT, and a winner could publish the loser's record).
    @Test
    func concurrentCreatesInOneProcessRefuseTheLoserAndKeepTheWinnersRecord() throws {
        for round in 0..<200 {
            let name = "race-\(round)"
            let outcomes = concurrentCreates(name, count: 8)
            let winners = outcomes.compactMap { if case .created(let id) = $0 { id } else { nil } }
            #expect(winners.count == 1, "round \(round): \(outcomes)")
            #expect(outcomes.filter { $0 == .refused }.count == 7, "round \(round): \(outcomes)")
            #expect(store.load(name)?.id == winners.first, "round \(round): the file holds another record")
        }
    }

    @Test func manyConcurrentCreatesOfTheSameNameGiveOneWinner() throws {
        for round in 0..<20 {
            let outcomes = concurrentCreates("crowd-\(round)", count: 8)
            let winners = outcomes.filter { if case .created = $0 { true } else { false } }
            #expect(winners.count == 1, "round \(round): \(outcomes)")
        }
    }

    @Test func concurrentCreatesOfDifferentNamesAllWin() throws {
        // Control: exclusivity is per name.
        let records = (0..<8).map { Self.record("distinct-\($0)") }
        let outcomes = Outcomes(count: records.count)
        let store = store
        DispatchQueue.concurrentPerform(iterations: records.count) { index in
            let created = (try? store.create(records[index])) ?? false
            outcomes.set(index, created ? .created(id: records[index].id) : .refused)
        }
        #expect(outcomes.all == records.map { .created(id: $0.id) })
        #expect(Set(store.all().map(\.name)) == Set(records.map(\.name)))
    }

    @Test func aSecondCreateOfAnExistingNameIsRefusedAndLeavesTheFirst() throws {
        let first = Self.record("taken")
        let second = Self.record("taken", command: ["other"])
        #expect(try store.create(first))
        #expect(try !store.create(second))
        #expect(store.load("taken")?.id == first.id)
        #expect(store.load("taken")?.command == ["true"])
    }

    @Test func createLeavesNoStagingFileBehind() throws {
        _ = concurrentCreates("tidy", count: 4)
        let entries = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(entries == ["tidy.json"], "\(entries)")
    }

    // MARK: - Updates

    @Test func concurrentUpdatesAreSerialisedAndNoneIsLost() throws {
        var record = Self.record("counter")
        record.cachesToFinalise = []
        #expect(try store.create(record))
        let writers = 4
        let perWriter = 25
        let failures = Outcomes(count: writers)
        let store = store
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for step in 0..<perWriter {
                do throws(StateError) {
                    try store.update("counter") { $0.cachesToFinalise.append("w\(writer)-\(step)") }
                } catch {
                    failures.set(writer, .failed(error.reason))
                }
            }
        }
        #expect(failures.all.allSatisfy { $0 == .refused }, "\(failures.all)")
        let final = try #require(store.load("counter"))
        #expect(final.cachesToFinalise.count == writers * perWriter)
        #expect(Set(final.cachesToFinalise).count == writers * perWriter)
    }

    @Test func readersNeverSeeATornRecordDuringUpdates() throws {
        #expect(try store.create(Self.record("busy")))
        let path = store.path("busy")
        let done = Flag()
        let torn = Counter()
        let reads = Counter()
        let reader = Thread { [path] in
            // Bounded: stops when the writer is done, or after 20 000 reads.
            for _ in 0..<20_000 where !done.value {
                guard let data = FileManager.default.contents(atPath: path) else {
                    torn.add()  // the file must never be missing either
                    continue
                }
                reads.add()
                if SessionRecord(json: data) == nil { torn.add() }
            }
        }
        reader.start()
        for step in 0..<200 {
            // Lengths vary a lot, so a torn write would leave invalid JSON.
            let reason = String(repeating: step.isMultiple(of: 2) ? "x" : "long reason ", count: 1 + (step % 7) * 300)
            try store.update("busy") { $0.endReason = reason }
        }
        done.set()
        #expect(Self.waitForExit(reader, within: 5))
        #expect(torn.value == 0, "\(torn.value) torn reads of \(reads.value)")
        #expect(reads.value > 0)
        let final = try #require(store.load("busy"))
        #expect(final.endReason == String(repeating: "long reason ", count: 1 + (199 % 7) * 300))
    }

    @Test func anUpdateOfAMissingRecordChangesNothing() throws {
        let updated = try store.update("ghost") { $0.status = .failed }
        #expect(updated == nil)
        #expect(store.load("ghost") == nil)
        #expect(!FileManager.default.fileExists(atPath: store.path("ghost")))
    }

    @Test func anUpdateBumpsUpdatedAtAndKeepsTheRest() throws {
        var record = Self.record("kept")
        record.createdAt = Date(timeIntervalSince1970: 1_700_000_000)
        record.updatedAt = record.createdAt
        #expect(try store.create(record))
        let updated = try #require(try store.update("kept") { $0.status = .running })
        #expect(updated.status == .running)
        #expect(updated.updatedAt > record.updatedAt)
        let loaded = try #require(store.load("kept"))
        #expect(loaded.id == record.id)
        #expect(loaded.createdAt == record.createdAt)
        #expect(loaded.status == .running)
    }

    @Test func updatesLeaveNoTemporaryFilesAndKeepModeOwnerOnly() throws {
        #expect(try store.create(Self.record("private")))
        for step in 0..<20 { try store.update("private") { $0.exitCode = Int32(step) } }
        let entries = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(entries == ["private.json"], "\(entries)")
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path("private"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    static func waitForExit(_ thread: Thread, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !thread.isFinished, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return thread.isFinished
    }
}

/// Results filled in from several threads; unset slots read as `.refused`.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [SessionStoreTests.Outcome]

    init(count: Int) { values = Array(repeating: .refused, count: count) }

    func set(_ index: Int, _ outcome: SessionStoreTests.Outcome) { lock.withLock { values[index] = outcome } }

    var all: [SessionStoreTests.Outcome] { lock.withLock { values } }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    func set() { lock.withLock { raised = true } }
    var value: Bool { lock.withLock { raised } }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
