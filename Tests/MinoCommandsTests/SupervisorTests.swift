import Foundation
import PolicyModel
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// `mino supervise NAME`, the background owner of a detached session, against the recording
/// runner: it waits for the container, removes it and records how the session ended.
@Suite struct SupervisorTests {
    static let containerID = "c0ffee0123456789"

    let harness: ExecutorHarness

    init() throws {
        harness = try ExecutorHarness()
    }

    /// Writes the record a detached `mino run` leaves for its supervisor.
    @discardableResult
    func activeRecord(
        _ name: String, status: SessionRecord.Status = .running, containerID: String? = SupervisorTests.containerID,
        change: (inout SessionRecord) -> Void = { _ in }
    ) throws -> SessionRecord {
        try harness.state.ensure()
        var record = SessionRecord(
            name: name, projectDirectory: harness.project, command: ["sleep", "60"],
            containerName: "mino-" + name, image: "docker.io/library/alpine:latest", network: "none",
            detached: true, homeVolume: nil, wrapper: false, shell: "/bin/sh", user: "1000:1000", now: Date())
        record.status = status
        record.containerID = containerID
        record.ownerPID = 10_000
        change(&record)
        try #require(try harness.store.create(record))
        return record
    }

    func supervise(_ name: String, runner: RecordingCommandRunner) -> MinoRun {
        harness.run(["supervise", name], runner: runner)
    }

    static func waitAnswering(_ output: String) -> RecordingCommandRunner {
        ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "wait"]) ? .init(0, output) : nil
        }
    }

    @Test func anActiveSessionIsWaitedForRemovedAndRecordedStopped() throws {
        try activeRecord("bg")
        let runner = Self.waitAnswering("7\n")
        let result = supervise("bg", runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            runner.argvs == [
                ["podman", "wait", Self.containerID], ["podman", "rm", "--force", "--time", "0", Self.containerID],
            ])
        let wait = try #require(runner.invocations.first)
        #expect(wait.method == .run(timeout: nil))
        let record = try #require(harness.store.load("bg"))
        #expect(record.status == .stopped)
        #expect(record.exitCode == 7)
        #expect(record.endReason == nil)
        // The supervisor claimed the session as its own.
        #expect(record.ownerPID == getpid())
        let events = harness.auditEvents
        let stopped = try #require(events.first { $0.event == "session.stopped" })
        #expect(stopped.data["name"] as? String == "bg")
        #expect(stopped.data["exit_code"] as? Int == 7)
    }

    @Test func aStartingSessionIsSupervisedToo() throws {
        try activeRecord("fresh", status: .starting)
        let runner = Self.waitAnswering("0\n")
        let result = supervise("fresh", runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.ran(["podman", "wait", Self.containerID]))
        #expect(harness.store.load("fresh")?.status == .stopped)
        #expect(harness.store.load("fresh")?.exitCode == 0)
    }

    @Test func aWaitWithoutAnExitCodeRecordsThatItIsUnknown() throws {
        try activeRecord("gone")
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "wait"]) ? .init(125, error: "Error: no such container") : nil
        }
        let result = supervise("gone", runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.ran(["podman", "rm", "--force", "--time", "0", Self.containerID]))
        let record = try #require(harness.store.load("gone"))
        #expect(record.status == .stopped)
        #expect(record.exitCode == nil)
        #expect(record.endReason == "container ended; exit code unknown")
    }

    @Test func anUnknownNameExitsOneAndRunsNothing() throws {
        try activeRecord("known")
        let runner = ExecutorHarness.podman()
        let result = supervise("unknown", runner: runner)

        #expect(result.status == 1)
        #expect(runner.invocations.isEmpty)
        // The other session is untouched.
        #expect(harness.store.load("known")?.status == .running)
        #expect(harness.store.load("known")?.ownerPID == 10_000)
    }

    @Test func anEndedSessionExitsOneAndRunsNothing() throws {
        try activeRecord("ended", status: .stopped) { $0.exitCode = 0 }
        let runner = ExecutorHarness.podman()
        let result = supervise("ended", runner: runner)

        #expect(result.status == 1)
        #expect(runner.invocations.isEmpty)
        let record = try #require(harness.store.load("ended"))
        #expect(record.status == .stopped)
        #expect(record.ownerPID == 10_000)
    }

    @Test func aSessionWithoutAContainerIDExitsOneAndRunsNothing() throws {
        try activeRecord("noid", containerID: nil)
        let runner = ExecutorHarness.podman()
        let result = supervise("noid", runner: runner)

        #expect(result.status == 1)
        #expect(runner.invocations.isEmpty)
    }

    @Test func cachesAreFinalisedOnlyAfterExitZero() throws {
        let cacheStore = CacheRecordStore(state: harness.state)
        for volume in ["mino-cache-a", "mino-cache-b"] {
            try cacheStore.save(
                CacheRecord(volumeName: volume, ecosystem: "npm", key: volume, state: .building, now: Date()))
        }
        try activeRecord("ok") { $0.cachesToFinalise = ["mino-cache-a"] }
        try activeRecord("bad") { $0.cachesToFinalise = ["mino-cache-b"] }

        #expect(supervise("ok", runner: Self.waitAnswering("0\n")).status == 0)
        #expect(supervise("bad", runner: Self.waitAnswering("3\n")).status == 0)

        #expect(cacheStore.load("mino-cache-a")?.state == .complete)
        #expect(cacheStore.load("mino-cache-b")?.state == .building)
        #expect(harness.store.load("bad")?.exitCode == 3)
    }

    @Test func aDisabledAuditLogGetsNoEvent() throws {
        try activeRecord("quiet") { $0.auditLog = false }
        let result = supervise("quiet", runner: Self.waitAnswering("0\n"))

        #expect(result.status == 0, "\(result.stderr)")
        #expect(harness.auditEvents.isEmpty)
        #expect(harness.store.load("quiet")?.status == .stopped)
    }
}
