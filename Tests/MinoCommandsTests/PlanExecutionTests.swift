import Diagnostics
import Foundation
import PolicyModel
import SessionPlanning
import TestSupport
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// A fixed host, a private state directory and a scriptable fake podman, for running `mino run`
/// (and `mino supervise`) in-process against the recording runner: nothing real ever starts.
struct ExecutorHarness {
    static let containerID = String(repeating: "0123456789abcdef", count: 4)
    static let containerPID = "4242"
    static let minoExecutable = "/usr/local/bin/mino"

    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
    }

    /// HOME and XDG_STATE_HOME inside the temporary directory.
    var environment: [String: String] {
        ["HOME": home.path, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": home.path + "/state"]
    }

    var state: StateDirectory { StateDirectory(environment: environment) }
    var store: SessionStore { SessionStore(state: state) }

    /// A rootless host with the fence tools, one resolved name and a fixed drawn session name.
    static func facts(_ change: (inout HostFacts) -> Void = { _ in }) -> HostFacts {
        var facts = HostFacts(
            platform: .linux, userID: 1000, groupID: 1000, userName: "agent", homeDirectory: "/home/agent",
            isRootless: true, cgroupVersion: 2, pidsLimitSupported: true, podmanVersion: "4.3.1",
            containerResolvers: ["10.88.0.1"], resolvedAddresses: ["github.com": ["140.82.112.3"]],
            sshAuthSocket: nil, hardLimits: ["nofile": 524_288, "nproc": 127_000], minoVersion: MinoRun.testVersion,
            generatedSessionName: "session-0badcafe", minoExecutable: minoExecutable,
            runtimeDirectory: "/tmp/mino-test-rt-\(getpid())")
        change(&facts)
        return facts
    }

    /// One scripted answer: exit status, standard output, standard error.
    struct Answer: Sendable {
        var status: Int32
        var output = ""
        var error = ""

        init(_ status: Int32, _ output: String = "", error: String = "") {
            self.status = status
            self.output = output
            self.error = error
        }
    }

    /// An override of the fake's answers; `nil` falls through to the default.
    typealias Script = @Sendable (_ argv: [String]) -> Answer?

    /// A fake podman on which nothing exists yet (existence checks fail), `create` prints an
    /// id, `inspect` a pid, `wait` exit code 0; everything else succeeds silently.
    static func podman(_ script: @escaping Script = { _ in nil }) -> RecordingCommandRunner {
        RecordingCommandRunner { spec in
            let words = FakeFenceHook.withoutHooks([spec.executable] + spec.arguments)
            let answer = script(words) ?? defaultAnswer(words)
            // The runtime runs the fence hook before the agent, unless the script made podman fail.
            if answer.status == 0 { FakeFenceHook.performIfHooked([spec.executable] + spec.arguments) }
            return .success(
                ProcessResult(
                    status: .exited(answer.status), output: Array(answer.output.utf8), error: Array(answer.error.utf8)))
        }
    }

    static func defaultAnswer(_ words: [String]) -> Answer {
        switch Array(words.prefix(3)) {
        case ["podman", "image", "exists"], ["podman", "volume", "inspect"]: return Answer(1)
        case ["podman", "ps", "--all"]: return Answer(0, "[]")
        default: break
        }
        guard words.first == "podman" else { return Answer(0) }
        switch words.dropFirst().first {
        case "create": return Answer(0, containerID + "\n")
        case "inspect": return Answer(0, "\(containerPID) /nonexistent/resolv.conf\n")
        case "wait": return Answer(0, "0\n")
        default: return Answer(0)
        }
    }

    func run(
        _ arguments: [String], runner: RecordingCommandRunner, facts: HostFacts = ExecutorHarness.facts(),
        environment extra: [String: String] = [:]
    ) -> MinoRun {
        MinoRun(
            arguments, environment: environment.merging(extra) { $1 }, registry: .standard, currentDirectory: project,
            runner: runner, hostFacts: facts)
    }

    /// The audit log's raw text (empty when there is none).
    var auditText: String {
        (try? String(contentsOfFile: state.file("audit.log"), encoding: .utf8)) ?? ""
    }

    /// The audit log's events, in order.
    var auditEvents: [(event: String, data: [String: Any])] {
        auditText.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String
            else { return nil }
            return (event, object["data"] as? [String: Any] ?? [:])
        }
    }
}

extension RecordingCommandRunner {
    /// The argv of every recorded call, in order.
    var argvs: [[String]] { invocations.map(\.argv) }

    /// The attached runs (the agent), in order.
    var attachedRuns: [Invocation] {
        invocations.filter { if case .attached = $0.method { true } else { false } }
    }

    /// The detached spawns (the supervisor), in order.
    var detachedSpawns: [Invocation] {
        invocations.filter { $0.method == .detached }
    }

    /// Whether some call's argv starts with `prefix`.
    func ran(_ prefix: [String]) -> Bool {
        argvs.contains { Array($0.prefix(prefix.count)) == prefix }
    }
}

/// A counter shared with a fake podman's responder.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Counts one call; returns how many there were before it.
    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}

/// `mino run` executing its plan through the recording runner: failures clean up after
/// themselves, the fence gates the agent, signals stop the container, secrets stay out of argv.
@Suite struct PlanExecutionTests {
    let harness: ExecutorHarness

    init() throws {
        harness = try ExecutorHarness()
    }

    /// An allowlist of an address literal: the fence files, the resolver, one `podman run` whose
    /// runtime runs the fence hook.
    static let fenced = ["--network-allow", "140.82.112.3:443", "--no-github"]
    static let unfenced = ["--network", "none", "--no-github"]
    /// A detached session: create, the supervisor, start.
    static let created = ["-d", "--network", "none", "--no-github"]

    // MARK: - Failure after the session record exists

    @Test func aFailureAfterTheRecordExistsRemovesTheContainerAndMarksTheSessionFailed() throws {
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "start"]) ? .init(125, error: "Error: OCI runtime error: boom") : nil
        }
        let result = harness.run(["run", "-n", "broken"] + Self.created + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("podman.failed"), "\(result.stderr)")
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "0", ExecutorHarness.containerID]))
        #expect(runner.attachedRuns.isEmpty)
        let record = try #require(harness.store.load("broken"))
        #expect(record.status == .failed)
        #expect(record.endReason?.contains("podman start") == true, "\(record.endReason ?? "nil")")
        #expect(record.endReason?.contains("boom") == true, "\(record.endReason ?? "nil")")
        #expect(harness.auditEvents.map(\.event).contains("session.failed"))
    }

    @Test func theSameRunWithoutTheFailureStartsAndRemovesTheContainerOnce() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "fine"] + Self.fenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(harness.store.load("fine"))
        #expect(record.status == .stopped)
        #expect(record.exitCode == 0)
        #expect(record.endReason == nil)
        // One `podman run --rm`: its name is its id, and podman removes it.
        #expect(record.containerID == record.containerName)
        #expect(!runner.argvs.contains { $0.starts(with: ["podman", "rm"]) })
    }

    @Test func aFailureBeforeTheRecordExistsLeavesNoRecordAndRemovesNothing() throws {
        // `--cache-fresh` with the cache volume in use stops the run before `create-session`.
        try harness.home.write("src/app/package-lock.json", "{\"lockfileVersion\": 3}\n")
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "ps", "--all"])
                ? .init(0, #"[{"Id": "abcdef0123456789", "Names": ["other"], "Labels": {}}]"#) : nil
        }
        let result = harness.run(
            ["run", "-n", "early", "--cache-fresh"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("cache.in-use"), "\(result.stderr)")
        #expect(harness.store.load("early") == nil)
        #expect(!runner.ran(["podman", "rm"]))
        #expect(runner.attachedRuns.isEmpty)
    }

    // MARK: - --strict

    @Test func strictRefusesAHostThatCannotEnforceTheLimitsAndRunsNothing() throws {
        let runner = ExecutorHarness.podman()
        let cgroupV1 = ExecutorHarness.facts {
            $0.pidsLimitSupported = false
            $0.cgroupVersion = 1
        }
        let result = harness.run(
            ["run", "-n", "strict", "--strict"] + Self.unfenced + ["--", "true"], runner: runner, facts: cgroupV1)

        #expect(result.status == 1)
        #expect(result.stderr.contains("run.unenforced"), "\(result.stderr)")
        #expect(result.stderr.contains("limits.memory") && result.stderr.contains("limits.pids"), "\(result.stderr)")
        #expect(harness.store.load("strict") == nil)
        #expect(runner.attachedRuns.isEmpty)
        // Control: the same host without --strict runs (and says so in the plan).
        let relaxed = harness.run(
            ["run", "-n", "relaxed"] + Self.unfenced + ["--", "true"], runner: runner, facts: cgroupV1)
        #expect(relaxed.status == 0, "\(relaxed.stderr)")
    }

    // MARK: - The fence gates the agent

    @Test func aFenceHookThatFailsNeverCountsAsAStartedAgent() throws {
        // The runtime refused to start the container (the hook exited non-zero): no handoff.
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "run"])
                ? .init(126, error: "error executing hook: mino fence hook: nft refused") : nil
        }
        let result = harness.run(["run", "-n", "nofence"] + Self.fenced + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("network.fence-failed"), "\(result.stderr)")
        #expect(harness.store.load("nofence")?.status == .failed)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/mino-test-rt-\(getpid())/nofence"))
    }

    @Test func aFencedRunNamesItsHookAndServesTheResolver() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "fenced"] + Self.fenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(runner.argvs.first { $0.contains("run") && $0.contains("--hooks-dir") })
        let hooks = try #require(run.firstIndex(of: "--hooks-dir"))
        #expect(run[hooks + 1] == "/tmp/mino-test-rt-\(getpid())/fenced/hooks")
        #expect(run.contains("--dns") && run.contains("127.0.0.1"))
        let record = try #require(harness.store.load("fenced"))
        #expect(record.resolver?.rules.map(\.text) == ["140.82.112.3:443"])
        let events = harness.auditEvents.map(\.event)
        #expect(events.contains("network.fence.prepared"))
        #expect(events.contains("network.resolver.started"))
        // The session's runtime files are gone once it ended.
        #expect(!FileManager.default.fileExists(atPath: "/tmp/mino-test-rt-\(getpid())/fenced"))
    }

    static func input(_ invocation: RecordingCommandRunner.Invocation) -> [UInt8] {
        if case .bytes(let bytes) = invocation.spec.input { return bytes }
        return []
    }

    // MARK: - Container creation

    @Test func aCreateThatPrintsNoIDFailsCleanly() throws {
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "create"]) ? .init(0, "\n") : nil
        }
        let result = harness.run(["run", "-n", "noid"] + Self.created + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("no container id"), "\(result.stderr)")
        #expect(runner.attachedRuns.isEmpty)
        #expect(!runner.ran(["podman", "init"]))
        let record = try #require(harness.store.load("noid"))
        #expect(record.status == .failed)
        #expect(record.containerID == nil)
        // No id: the container is removed by its name.
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "0", record.containerName]))
    }

    @Test func aCreateThatPrintsSomethingOtherThanAnIDFailsCleanly() throws {
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "create"]) ? .init(0, "WARNING: something odd\n") : nil
        }
        let result = harness.run(["run", "-n", "oddid"] + Self.created + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(runner.attachedRuns.isEmpty)
        #expect(harness.store.load("oddid")?.status == .failed)
    }

    // MARK: - Session names

    @Test func aSessionNameAlreadyTakenFailsAndStartsNothing() throws {
        let first = ExecutorHarness.podman()
        let allowed = harness.run(["run", "-n", "same"] + Self.unfenced + ["--", "true"], runner: first)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(first.attachedRuns.count == 1)
        let before = try #require(harness.store.load("same"))

        let second = ExecutorHarness.podman()
        let refused = harness.run(["run", "-n", "same"] + Self.unfenced + ["--", "true"], runner: second)

        #expect(refused.status == 1)
        #expect(refused.stderr.contains("session.exists"), "\(refused.stderr)")
        #expect(second.attachedRuns.isEmpty)
        #expect(!second.ran(["podman", "run"]))
        #expect(!second.ran(["podman", "create"]))
        #expect(!second.ran(["podman", "rm"]))
        // The first session's record is untouched (not marked failed by the refused run).
        let after = try #require(harness.store.load("same"))
        #expect(after.id == before.id)
        #expect(after.status == .stopped)
        #expect(after.endReason == nil)
    }

    @Test func aSessionNameTakenByARunningSessionIsRefusedToo() throws {
        let runner = ExecutorHarness.podman()
        let detached = harness.run(["run", "-d", "-n", "busy"] + Self.unfenced + ["--", "sleep", "9"], runner: runner)
        #expect(detached.status == 0, "\(detached.stderr)")

        let second = ExecutorHarness.podman()
        let refused = harness.run(["run", "-n", "busy"] + Self.fenced + ["--", "true"], runner: second)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("session.exists"), "\(refused.stderr)")
        #expect(second.attachedRuns.isEmpty)
        #expect(!second.ran(["podman", "create"]))
    }

    // MARK: - Signals

    @Test func sigintDuringAnAttachedRunStopsTheContainerAndExits130() throws {
        let runner = ExecutorHarness.podman()
        runner.signalsDuringAttachedRuns = [.interrupt]
        let result = harness.run(["run", "-n", "interrupted"] + Self.unfenced + ["--", "sleep", "60"], runner: runner)

        #expect(result.status == 130)
        let record = try #require(harness.store.load("interrupted"))
        #expect(runner.argvs.contains(["podman", "stop", "--time", "10", record.containerName]))
        #expect(record.status == .stopped)
        #expect(record.exitCode == 130)
        #expect(record.endReason == "stopped by signal 2")
    }

    @Test func sigintDuringAFencedAttachedStartStopsTheContainerAndRemovesIt() throws {
        let runner = ExecutorHarness.podman()
        runner.signalsDuringAttachedRuns = [.interrupt]
        let result = harness.run(["run", "-n", "fencedint"] + Self.fenced + ["--", "sleep", "60"], runner: runner)

        #expect(result.status == 130)
        let record = try #require(harness.store.load("fencedint"))
        // The one `podman run --rm` is stopped; podman removes it.
        #expect(runner.argvs.contains(["podman", "stop", "--time", "10", record.containerName]))
        #expect(record.endReason == "stopped by signal 2")
    }

    @Test func aWindowChangeDuringAnAttachedRunStopsNothing() throws {
        let runner = ExecutorHarness.podman()
        runner.signalsDuringAttachedRuns = [.windowChange]
        let result = harness.run(["run", "-n", "resized"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(!runner.ran(["podman", "stop"]))
        let record = try #require(harness.store.load("resized"))
        #expect(record.exitCode == 0)
        #expect(record.endReason == nil)
    }

    @Test func sigtermStopsTheContainerAndExits143() throws {
        let runner = ExecutorHarness.podman()
        runner.signalsDuringAttachedRuns = [.terminate]
        let result = harness.run(["run", "-n", "terminated"] + Self.unfenced + ["--", "sleep", "60"], runner: runner)

        #expect(result.status == 143)
        #expect(runner.ran(["podman", "stop", "--time", "10"]))
        #expect(harness.store.load("terminated")?.endReason == "stopped by signal 15")
    }

    // MARK: - Pull and run again

    @Test func aDirectRunAnswering125WithoutTheImagePullsAndRunsAgain() throws {
        let runs = CallCounter()
        let runner = ExecutorHarness.podman { argv in
            guard argv.starts(with: ["podman", "run"]) else { return nil }
            return .init(runs.next() == 0 ? 125 : 0)
        }
        let result = harness.run(["run", "-n", "pulled"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        let image = try #require(harness.store.load("pulled")).image
        let argvs = runner.argvs
        let runIndices = argvs.indices.filter { argvs[$0].starts(with: ["podman", "run"]) }
        let exists = try #require(argvs.firstIndex(of: ["podman", "image", "exists", image]))
        let pull = try #require(argvs.firstIndex(of: ["podman", "pull", "--quiet", image]))
        try #require(runIndices.count == 2)
        #expect(runIndices[0] < exists)
        #expect(exists < pull)
        #expect(pull < runIndices[1])
        #expect(argvs[runIndices[0]] == argvs[runIndices[1]])
        #expect(runner.attachedRuns.count == 2)
    }

    @Test func aDirectRunAnswering125WithTheImagePresentIsNotPulled() throws {
        let runner = ExecutorHarness.podman { argv in
            if argv.starts(with: ["podman", "run"]) { return .init(125) }
            if argv.starts(with: ["podman", "image", "exists"]) { return .init(0) }
            return nil
        }
        let result = harness.run(["run", "-n", "present"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 125)
        #expect(!runner.ran(["podman", "pull"]))
        #expect(runner.attachedRuns.count == 1)
        #expect(harness.store.load("present")?.exitCode == 125)
    }

    @Test func aDirectRunExitingWithAnotherStatusIsNotRetried() throws {
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "run"]) ? .init(126) : nil
        }
        let result = harness.run(["run", "-n", "other"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 126)
        #expect(!runner.ran(["podman", "image", "exists"]))
        #expect(!runner.ran(["podman", "pull"]))
        #expect(runner.attachedRuns.count == 1)
    }

    @Test func aFailingPullAfter125FailsTheRun() throws {
        let runner = ExecutorHarness.podman { argv in
            if argv.starts(with: ["podman", "run"]) { return .init(125) }
            if argv.starts(with: ["podman", "pull"]) { return .init(125, error: "Error: manifest unknown") }
            return nil
        }
        let result = harness.run(["run", "-n", "nopull"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("manifest unknown"), "\(result.stderr)")
        #expect(runner.attachedRuns.count == 1)
        let record = try #require(harness.store.load("nopull"))
        #expect(record.status == .failed)
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "0", record.containerName]))
    }

    @Test func aSignalDuringARunAnswering125IsNotFollowedByAPull() throws {
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "run"]) ? .init(125) : nil
        }
        runner.signalsDuringAttachedRuns = [.interrupt]
        let result = harness.run(["run", "-n", "intpull"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 130)
        #expect(!runner.ran(["podman", "pull"]))
        #expect(runner.attachedRuns.count == 1)
    }

    @Test func aPodmanThatCannotStartTheAgentFailsTheSessionOnce() throws {
        let runner = RecordingCommandRunner { spec in
            if spec.arguments.first == "run" {
                return .failure(ProcessError(kind: .notFound, executable: spec.executable))
            }
            let answer = ExecutorHarness.defaultAnswer([spec.executable] + spec.arguments)
            return .success(ProcessResult(status: .exited(answer.status), output: Array(answer.output.utf8)))
        }
        let result = harness.run(["run", "-n", "nopodman"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("podman.not-found"), "\(result.stderr)")
        let record = try #require(harness.store.load("nopodman"))
        #expect(record.status == .failed)
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "0", record.containerName]))
        let failures = harness.auditEvents.filter { $0.event == "session.failed" }
        #expect(failures.count == 1, "\(failures.map(\.data))")
    }

    // MARK: - Sessions whose owner died

    /// Writes an active record owned by `pid`, created `age` seconds ago.
    func activeRecord(_ name: String, ownerPID: Int32, startTime: UInt64?, age: TimeInterval) throws {
        try harness.state.ensure()
        var record = SessionRecord(
            name: name, projectDirectory: harness.project, command: ["sleep", "60"], containerName: "mino-" + name,
            image: "docker.io/library/alpine:latest", network: "none", detached: true, homeVolume: nil,
            wrapper: false, shell: "/bin/sh", user: "1000:1000", now: Date().addingTimeInterval(-age))
        record.status = .running
        record.containerID = "dead0000beef"
        record.ownerPID = ownerPID
        record.ownerStartTime = startTime
        try #require(try harness.store.create(record))
    }

    @Test func aRunReconcilesASessionWhoseOwnerDied() throws {
        // A pid above the kernel's maximum is never alive.
        try activeRecord("orphaned", ownerPID: 2_000_000_000, startTime: 1, age: 3600)
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "next"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "5", "dead0000beef"]))
        let record = try #require(harness.store.load("orphaned"))
        #expect(record.status == .failed)
        #expect(record.endReason == "supervisor exited; container stopped and removed")
        #expect(harness.auditEvents.contains { $0.event == "session.orphaned" })
    }

    @Test func aRunLeavesASessionWhoseOwnerLivesAlone() throws {
        let own = Executor.ownIdentity()
        try activeRecord("alive", ownerPID: own.pid, startTime: own.startTime, age: 3600)
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "next"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(!runner.argvs.contains { $0.contains("dead0000beef") })
        #expect(harness.store.load("alive")?.status == .running)
    }

    // MARK: - Caches

    /// The cache volumes the run recorded, by name.
    func cacheStates() -> [String: String] {
        let directory = harness.state.file("cache")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var states = [String: String]()
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let volume = String(name.dropLast(5))
            if let record = CacheRecordStore(state: harness.state).load(volume) {
                states[volume] = record.state.rawValue
            }
        }
        return states
    }

    @Test func cachesAreFinalisedAfterExitZero() throws {
        try harness.home.write("src/app/package-lock.json", "{\"lockfileVersion\": 3}\n")
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "cached"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        let states = cacheStates()
        try #require(!states.isEmpty, "no cache record")
        #expect(states.values.allSatisfy { $0 == "complete" }, "\(states)")
        let record = try #require(harness.store.load("cached"))
        #expect(Set(record.cachesToFinalise) == Set(states.keys))
    }

    @Test func cachesAreNotFinalisedAfterExitThree() throws {
        try harness.home.write("src/app/package-lock.json", "{\"lockfileVersion\": 3}\n")
        let runner = ExecutorHarness.podman { argv in
            argv.starts(with: ["podman", "run"]) ? .init(3) : nil
        }
        let result = harness.run(["run", "-n", "cachefail"] + Self.unfenced + ["--", "false"], runner: runner)

        #expect(result.status == 3)
        let states = cacheStates()
        try #require(!states.isEmpty, "no cache record")
        #expect(states.values.allSatisfy { $0 == "building" }, "\(states)")
    }

    @Test func cachesAreNotFinalisedAfterAnInterrupt() throws {
        try harness.home.write("src/app/package-lock.json", "{\"lockfileVersion\": 3}\n")
        let runner = ExecutorHarness.podman()
        runner.signalsDuringAttachedRuns = [.interrupt]
        let result = harness.run(["run", "-n", "cacheint"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 130)
        let states = cacheStates()
        try #require(!states.isEmpty, "no cache record")
        #expect(states.values.allSatisfy { $0 == "building" }, "\(states)")
    }

    // MARK: - Detached

    @Test func detachedRunSpawnsTheSupervisorAndRecordsItsPID() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-d", "-n", "bg"] + Self.unfenced + ["--", "sleep", "60"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Session bg started"))
        let spawns = runner.detachedSpawns
        #expect(spawns.map(\.argv) == [[ExecutorHarness.minoExecutable, "supervise", "bg"]])
        #expect(runner.attachedRuns.isEmpty)
        let record = try #require(harness.store.load("bg"))
        #expect(runner.argvs.contains(["podman", "start", record.containerName]))
        #expect(record.status == .running)
        #expect(record.ownerPID == 10_000)
        #expect(record.detached)
        #expect(record.containerID == ExecutorHarness.containerID)
        // The supervisor removes the container, not `mino run`.
        #expect(!runner.ran(["podman", "rm"]))
        #expect(!runner.ran(["podman", "wait"]))
    }

    @Test func anAttachedRunSpawnsNoSupervisor() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(["run", "-n", "fg"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.detachedSpawns.isEmpty)
        #expect(harness.store.load("fg")?.ownerPID != 10_000)
    }

    @Test func aDetachedRunThatCannotSpawnItsSupervisorRemovesTheContainer() throws {
        let runner = RecordingCommandRunner { spec in
            let words = [spec.executable] + spec.arguments
            if words.dropFirst().first == "supervise" {
                return .failure(ProcessError(kind: .spawnFailed, executable: spec.executable, code: EACCES))
            }
            let answer = ExecutorHarness.defaultAnswer(words)
            return .success(ProcessResult(status: .exited(answer.status), output: Array(answer.output.utf8)))
        }
        let result = harness.run(
            ["run", "-d", "-n", "orphan"] + Self.unfenced + ["--", "sleep", "60"], runner: runner)

        #expect(result.status == 1)
        #expect(result.stderr.contains("session.supervisor"), "\(result.stderr)")
        #expect(runner.argvs.contains(["podman", "rm", "--force", "--time", "0", ExecutorHarness.containerID]))
        #expect(harness.store.load("orphan")?.status == .failed)
    }

    // MARK: - Audit log and secrets

    static let secret = "s3cr3t-Value-0xDEADBEEF"

    @Test func theAuditLogRecordsTheSessionAndNeverTheSecret() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(
            ["run", "-n", "audited", "-e", "TOKEN=\(Self.secret)"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        let events = harness.auditEvents
        let names = events.map(\.event)
        let created = try #require(names.firstIndex(of: "session.created"))
        let started = try #require(names.firstIndex(of: "session.started"))
        let stopped = try #require(names.firstIndex(of: "session.stopped"))
        #expect(created < started)
        #expect(started < stopped)
        #expect(events.allSatisfy { $0.data["name"] as? String == "audited" })
        #expect(events[stopped].data["exit_code"] as? Int == 0)
        // Every line is one JSON object.
        let lines = harness.auditText.split(separator: "\n")
        #expect(lines.count == events.count)
        #expect(!harness.auditText.contains(Self.secret))
        #expect(!result.stderr.contains(Self.secret))
        #expect(!result.stdout.contains(Self.secret))
        let recordText = try String(contentsOfFile: harness.store.path("audited"), encoding: .utf8)
        #expect(!recordText.contains(Self.secret))
    }

    @Test func aRefusedRunAddsNoAuditEvent() throws {
        let first = ExecutorHarness.podman()
        _ = harness.run(["run", "-n", "taken"] + Self.unfenced + ["--", "true"], runner: first)
        let before = harness.auditEvents.count
        let refused = harness.run(
            ["run", "-n", "taken", "-e", "TOKEN=\(Self.secret)"] + Self.unfenced + ["--", "true"],
            runner: ExecutorHarness.podman())
        #expect(refused.status == 1)
        #expect(harness.auditEvents.count == before)
        #expect(!harness.auditText.contains(Self.secret))
    }

    @Test func environmentValuesReachADirectRunOnlyThroughItsEnvironment() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(
            ["run", "-n", "envdirect", "-e", "TOKEN=\(Self.secret)"] + Self.unfenced + ["--", "true"], runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.argvNeverContains(Self.secret))
        let run = try #require(runner.attachedRuns.first)
        #expect(run.spec.environment["TOKEN"] == Self.secret)
        #expect(run.argv.contains("TOKEN"))
        // Only the agent's process gets it: no other call is handed the value.
        let others = runner.invocations.filter { $0 != run }
        #expect(others.allSatisfy { $0.spec.environment["TOKEN"] == nil })
    }

    @Test func environmentValuesReachACreatedContainerOnlyThroughItsEnvironment() throws {
        let runner = ExecutorHarness.podman()
        let result = harness.run(
            ["run", "-d", "-n", "envcreate", "-e", "TOKEN=\(Self.secret)"] + Self.fenced + ["--", "true"],
            runner: runner)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(runner.argvNeverContains(Self.secret))
        let create = try #require(
            runner.invocations.first { FakeFenceHook.withoutHooks($0.argv).starts(with: ["podman", "create"]) })
        #expect(create.spec.environment["TOKEN"] == Self.secret)
        #expect(create.argv.contains("TOKEN"))
        let supervisor = try #require(runner.detachedSpawns.first)
        #expect(supervisor.spec.environment["TOKEN"] == nil)
        #expect(!harness.auditText.contains(Self.secret))
    }
}
