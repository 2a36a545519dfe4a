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

/// Plan is run: for each scenario, `mino run` against a recording fake podman performs exactly
/// the steps `mino plan --format json --resolve` lists — the same queries first, then every
/// process step in order with byte-identical argv (placeholders filled with what the fake
/// answered). The fake has nothing yet, so every conditional step runs its check and its action.
@Suite struct PlanEqualsRunTests {
    static let containerPID = "4242"
    static let containerID = String(repeating: "0123456789abcdef", count: 4)
    static let baseImageID = String(repeating: "fedcba9876543210", count: 4)

    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
    }

    /// The fixed host: a rootless user with the fence tools, a drawn name, one resolved name.
    static func facts(_ change: (inout HostFacts) -> Void = { _ in }) -> HostFacts {
        var facts = HostFacts(
            platform: .linux, userID: 1000, groupID: 1000, userName: "agent", homeDirectory: "/home/agent",
            isRootless: true, cgroupVersion: 2, pidsLimitSupported: true, podmanVersion: "4.3.1",
            containerResolvers: ["10.88.0.1"],
            resolvedAddresses: ["github.com": ["140.82.112.3"], "registry.npmjs.org": ["104.16.0.35"]],
            sshAuthSocket: nil, hardLimits: ["nofile": 524_288, "nproc": 127_000], minoVersion: MinoRun.testVersion,
            generatedSessionName: "session-0badcafe", minoExecutable: "/usr/local/bin/mino",
            runtimeDirectory: "/tmp/mino-test-rt-\(getpid())")
        change(&facts)
        return facts
    }

    /// A fake podman on which nothing exists yet: every existence check fails, so every
    /// conditional action runs; `create` prints an id, `inspect` a pid, the base image has an ID.
    static func fakePodman() -> RecordingCommandRunner {
        RecordingCommandRunner { spec in
            // The runtime would run the session's fence hook here.
            FakeFenceHook.performIfHooked([spec.executable] + spec.arguments)
            let words = FakeFenceHook.withoutHooks([spec.executable] + spec.arguments)
            func answer(_ status: Int32, _ output: String = "") -> Result<ProcessResult, ProcessError> {
                .success(ProcessResult(status: .exited(status), output: Array(output.utf8)))
            }
            switch Array(words.prefix(3)) {
            case ["podman", "image", "exists"], ["podman", "volume", "inspect"]: return answer(1)
            case ["podman", "image", "inspect"]: return answer(0, baseImageID + "\n")
            case ["podman", "ps", "--all"]: return answer(0, "[]")
            default: break
            }
            switch words.dropFirst().first {
            case "create": return answer(0, containerID + "\n")
            case "inspect": return answer(0, "\(containerPID) /nonexistent/resolv.conf\n")
            default: return answer(0)
            }
        }
    }

    struct Outcome {
        var planned: [SessionStep.Action: Int] = [:]
        var status: Int32
    }

    /// Plans, then runs, the same arguments on the same host; checks the property and returns
    /// what was planned.
    @discardableResult
    func check(
        _ arguments: [String], facts: HostFacts = PlanEqualsRunTests.facts(), environment: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Outcome {
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let planRunner = Self.fakePodman()
        // `--resolve`: DNS answers are facts too (the wrapper carries addresses in its argv), and
        // `mino run` always resolves.
        let plan = run(["plan", "--format", "json", "--resolve"] + arguments, environment, planRunner, facts)
        try #require(plan.status == 0, "plan failed: \(plan.stderr)", sourceLocation: sourceLocation)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any],
            sourceLocation: sourceLocation)
        let steps = try #require(document["steps"] as? [[String: Any]], sourceLocation: sourceLocation)

        let runRunner = Self.fakePodman()
        let result = run(["run"] + arguments, environment, runRunner, facts)
        #expect(result.status == 0, "run failed: \(result.stderr)", sourceLocation: sourceLocation)

        // The queries the plan made (the base image's ID) come first in the run too.
        let probes = planRunner.invocations.map(\.argv)
        let executed = runRunner.invocations.filter { !Self.credentialCLIs.contains($0.spec.executable) }.map(\.argv)
        var expected = probes
        for step in steps where step["performer"] as? String == "run" {
            if let check = step["check"] as? [String] { expected.append(check) }
            if let argv = step["argv"] as? [String] { expected.append(argv) }
        }
        #expect(
            executed.count == expected.count, "\(executed.count) commands run, \(expected.count) planned",
            sourceLocation: sourceLocation)
        for (index, (ran, planned)) in zip(executed, expected).enumerated() {
            #expect(
                Self.matches(ran, planned), "command \(index + 1): ran\n\(ran)\nplanned\n\(planned)",
                sourceLocation: sourceLocation)
        }
        var outcome = Outcome(status: result.status)
        for step in steps {
            if let action = (step["action"] as? String).flatMap(SessionStep.Action.init(rawValue:)) {
                outcome.planned[action, default: 0] += 1
            }
        }
        return outcome
    }

    static let credentialCLIs: Set<String> = ["aws", "gcloud", "az", "gh"]

    /// Whether an executed argv is the planned one with its placeholders filled: the pid with
    /// what the fake answered, the time and the build directory with any value.
    static func matches(_ ran: [String], _ planned: [String]) -> Bool {
        guard ran.count == planned.count else { return false }
        return zip(ran, planned).allSatisfy { ran, planned in
            let filled = planned.replacingOccurrences(of: SessionStep.Placeholder.containerPID, with: containerPID)
            for placeholder in [SessionStep.Placeholder.now, SessionStep.Placeholder.buildContext]
            where filled.contains(placeholder) {
                let parts = filled.components(separatedBy: placeholder)
                return ran.hasPrefix(parts[0]) && ran.hasSuffix(parts.last ?? "") && ran.count > filled.count - 12
            }
            return ran == filled
        }
    }

    func run(
        _ arguments: [String], _ environment: [String: String], _ runner: RecordingCommandRunner, _ facts: HostFacts
    )
        -> MinoRun
    {
        MinoRun(
            arguments, environment: environment, registry: .standard, currentDirectory: project, runner: runner,
            hostFacts: facts)
    }

    // MARK: - Scenarios

    @Test func attachedRunIsOnePodmanRun() throws {
        let outcome = try check(["--network", "none", "--no-github", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.runAttached] == 1)
        #expect(outcome.planned[SessionStep.Action.createContainer] == nil)
    }

    @Test func attachedAllowlistIsOnePodmanRunWithTheFenceHook() throws {
        let outcome = try check(["--network-allow", "github.com:443", "--no-github", "-n", "fenced", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.prepareFence] == 1)
        #expect(outcome.planned[SessionStep.Action.serveResolver] == 1)
        #expect(outcome.planned[SessionStep.Action.runAttached] == 1)
        #expect(outcome.planned[SessionStep.Action.createContainer] == nil)
    }

    @Test func rootfulFenceHookRunsTheSame() throws {
        try check(
            // Its own name: its session runtime directory is not shared with parallel tests.
            ["--network-allow", "140.82.112.3:443", "--no-github", "-n", "rootful-fenced", "--", "true"],
            facts: Self.facts { $0.isRootless = false })
    }

    @Test func detachedRunStartsTheSupervisor() throws {
        let outcome = try check(["-d", "--network-allow", "github.com:443", "--no-github", "-n", "bg", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.spawnSupervisor] == 1)
        #expect(outcome.planned[SessionStep.Action.waitContainer] == 1)
    }

    /// The supervisor of a detached session performs the plan's supervisor steps, as the plan
    /// lists them (kept in the session record by `mino run -d`).
    @Test func theSupervisorPerformsItsPlannedSteps() throws {
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let arguments = ["-d", "--network", "none", "--no-github", "-n", "supervised", "--", "true"]
        let plan = run(
            ["plan", "--format", "json", "--resolve"] + arguments, environment, Self.fakePodman(), Self.facts())
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let planned = (document["steps"] as? [[String: Any]] ?? []).filter {
            $0["performer"] as? String == "supervisor"
        }
        .compactMap { $0["argv"] as? [String] }
        #expect(planned.count == 2, "\(planned)")
        #expect(run(["run"] + arguments, environment, Self.fakePodman(), Self.facts()).status == 0)
        let supervisor = RecordingCommandRunner { _ in
            .success(ProcessResult(status: .exited(0), output: Array("0\n".utf8)))
        }
        let supervised = run(["supervise", "supervised"], environment, supervisor, Self.facts())
        #expect(supervised.status == 0, "\(supervised.stderr)")
        #expect(supervisor.invocations.map(\.argv) == planned)
    }

    @Test func detachedWithoutAFenceCreatesAndStarts() throws {
        let outcome = try check(["-d", "--network", "none", "--no-github", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.startDetached] == 1)
    }

    @Test func missingFenceToolsChooseTheWrapperInPlanAndRunAlike() throws {
        let outcome = try check(
            ["--network-allow", "github.com:443", "--no-github", "--", "true"],
            facts: Self.facts { $0.fenceTools = nil })
        #expect(outcome.planned[SessionStep.Action.prepareFence] == nil)
        #expect(outcome.planned[SessionStep.Action.runAttached] == 1)
    }

    @Test func aDeadSSHAgentIsNotForwardedByEither() throws {
        try check(
            ["--network", "none", "--no-github", "--", "true"],
            facts: Self.facts {
                $0.sshAuthSocket = "/run/user/1000/agent.sock"
                $0.sshAgentProblem = "no agent answers"
            }, environment: ["SSH_AUTH_SOCK": "/run/user/1000/agent.sock"])
    }

    @Test func composedLayersAreBuiltWhenMissing() throws {
        let outcome = try check(["--layers", "python", "--network", "none", "--no-github", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.buildImage] == 1)
    }

    @Test func credentialsAreFetchedWhereThePlanSays() throws {
        let outcome = try check(
            ["--github", "--network", "none", "--", "true"], environment: ["GITHUB_TOKEN": "ghp_example"])
        #expect(outcome.planned[SessionStep.Action.fetchCredentials] == 1)
    }

    @Test func cacheVolumesAreCreatedAndFreshOnesCleared() throws {
        try home.write("src/app/package-lock.json", "{\"lockfileVersion\": 3}\n")
        let outcome = try check(["--network", "none", "--no-github", "--cache-fresh", "--", "true"])
        #expect(outcome.planned[SessionStep.Action.prepareCache] == 1)
        #expect(outcome.planned[SessionStep.Action.clearCache] == 1)
    }
}
