import Diagnostics
import Foundation
import PolicyModel
import SessionPlanning
import TestSupport
import Testing

@testable import HostProcess
@testable import PolicyExecutor

/// Plan is run for every golden scenario `mino run` can execute: the plan `mino run` makes from
/// the case's files equals the one `mino plan` prints, and executing it against a recording fake
/// podman (on which nothing exists yet) runs exactly its steps' checks and actions, in order.
@Suite struct GoldenPlanEqualsRunTests {
    static let containerPID = "4242"

    /// The cases with a container plan (error cases and native plans have nothing to run).
    static var runnable: [GoldenCase] {
        GoldenCase.all.filter { golden in
            guard let plan = try? GoldenPipeline.plan(golden, purpose: .plan, resolve: true) else { return false }
            return plan.policy.runtime.value == .container
        }
    }

    /// Answers as a podman with nothing in it: existence checks fail, `create` prints an id,
    /// `inspect` a pid, everything else succeeds.
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
            case ["podman", "ps", "--all"]: return answer(0, "[]")
            default: break
            }
            switch words.dropFirst().first {
            case "create": return answer(0, String(repeating: "0123456789abcdef", count: 4) + "\n")
            case "inspect": return answer(0, "\(containerPID) /nonexistent/resolv.conf\n")
            default: return answer(0)
            }
        }
    }

    /// Says no to every question, shows nothing.
    struct Silent: SessionInteraction {
        func step<Result, Failure: Error>(_ message: String, _ body: () throws(Failure) -> Result) throws(Failure)
            -> Result
        { try body() }
        func approveLayer(_ layer: ResolvedLayer, path: String) -> Bool { false }
        func warn(_ diagnostics: [Diagnostic]) {}
    }

    @Test(arguments: runnable)
    func runExecutesExactlyThePlannedSteps(_ golden: GoldenCase) throws {
        // The fence hook's files go to a private directory of this test (a short path: it holds a socket).
        let runtime = "/tmp/mino-golden-rt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let planned = try GoldenPipeline.plan(golden, purpose: .plan, resolve: true, runtimeDirectory: runtime)
        let run = try GoldenPipeline.plan(golden, purpose: .run, runtimeDirectory: runtime)
        #expect(PlanRenderer.json(run) == PlanRenderer.json(planned), "\(golden.name): run plans differently")

        // Strict credentials need the providers' real CLIs to answer; the plan is compared above.
        guard !run.policy.credentials.strict.value else { return }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("mino-golden-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let runner = Self.fakePodman()
        let executor = try Executor(environment: ["XDG_STATE_HOME": state.path, "HOME": state.path], runner: runner)
        let outcome = try PlanExecution(
            executor: executor, plan: run, interaction: Silent(), trustLocal: Sourced(true, .builtin),
            nameOrigin: nil
        ).run()
        #expect(outcome == (run.policy.session.detach.value ? .detached : .exited(0)), "\(golden.name)")

        var expected = [[String]]()
        for step in run.steps(performedBy: .run) {
            if let check = step.check { expected.append(check) }
            if let argv = step.argv { expected.append(argv) }
        }
        let executed = runner.invocations.map(\.argv).filter { !["aws", "gcloud", "az", "gh"].contains($0[0]) }
        #expect(executed.count == expected.count, "\(golden.name): ran \(executed), planned \(expected)")
        for (ran, planned) in zip(executed, expected) {
            #expect(Self.matches(ran, planned), "\(golden.name): ran \(ran), planned \(planned)")
        }
    }

    /// The executed argv is the planned one with the pid filled in and any time or build
    /// directory in place of their placeholders.
    static func matches(_ ran: [String], _ planned: [String]) -> Bool {
        guard ran.count == planned.count else { return false }
        return zip(ran, planned).allSatisfy { ran, planned in
            let filled = planned.replacingOccurrences(of: SessionStep.Placeholder.containerPID, with: containerPID)
            for placeholder in [SessionStep.Placeholder.now, SessionStep.Placeholder.buildContext]
            where filled.contains(placeholder) {
                let parts = filled.components(separatedBy: placeholder)
                return ran.hasPrefix(parts[0]) && ran.hasSuffix(parts.last ?? "")
            }
            return ran == filled
        }
    }
}
