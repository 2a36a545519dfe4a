import Dispatch
import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct ProcessRecordingTests {
    private let spec = ProcessSpec("podman", ["ps"], environment: ["PATH": "/usr/bin"])

    @Test func everyCallIsRecordedWithItsMethodInOrder() throws {
        let runner = RecordingCommandRunner()
        _ = try runner.run(spec, timeout: .seconds(5))
        _ = try runner.runAttached(spec, forwarding: [.interrupt]) { _ in }
        _ = try runner.spawnDetached(spec)
        _ = try runner.run(spec, timeout: nil)
        #expect(
            runner.invocations.map(\.method) == [
                .run(timeout: .seconds(5)), .attached(forwarding: [.interrupt]), .detached, .run(timeout: nil),
            ])
        #expect(runner.specs == [spec, spec, spec, spec])
        #expect(runner.invocations.first?.argv == ["podman", "ps"])
    }

    @Test func queuedResultsComeFirstThenTheResponder() throws {
        let failure = ProcessError(kind: .notFound, executable: "podman")
        let runner = RecordingCommandRunner(
            results: [.success(ProcessResult(status: .exited(3), output: Array("one".utf8))), .failure(failure)],
            responder: { spec in
                .success(ProcessResult(status: .exited(0), output: Array(spec.arguments.joined().utf8)))
            }
        )
        #expect(try runner.run(spec, timeout: nil) == ProcessResult(status: .exited(3), output: Array("one".utf8)))
        #expect(throws: failure) { try runner.run(spec, timeout: nil) }
        #expect(try runner.run(spec, timeout: nil).outputText == "ps")
        runner.enqueue(.success(ProcessResult(status: .signaled(9))))
        #expect(try runner.runAttached(spec, forwarding: []) { _ in } == .signaled(9))
        #expect(runner.invocations.count == 4)
    }

    @Test func defaultAnswerIsSuccessWithoutOutput() throws {
        let result = try RecordingCommandRunner().run(spec, timeout: nil)
        #expect(result == ProcessResult(status: .exited(0)))
    }

    @Test func detachedSpawnsGetDistinctMadeUpPidsOrTheScriptedError() throws {
        let runner = RecordingCommandRunner()
        let first = try runner.spawnDetached(spec)
        let second = try runner.spawnDetached(spec)
        #expect(first != second && first > 0 && second > 0)
        let failure = ProcessError(kind: .spawnFailed, executable: "podman", code: 12)
        runner.enqueue(.failure(failure))
        #expect(throws: failure) { try runner.spawnDetached(spec) }
    }

    @Test func scriptedSignalsReachTheAttachedHandlerWhenForwarded() throws {
        let runner = RecordingCommandRunner()
        runner.signalsDuringAttachedRuns = [.interrupt, .windowChange, .terminate]
        let log = SignalLog()
        _ = try runner.runAttached(spec, forwarding: [.interrupt, .terminate]) { log.append($0) }
        #expect(log.signals == [.interrupt, .terminate])
        // Consumed by that run.
        _ = try runner.runAttached(spec, forwarding: [.interrupt, .terminate]) { log.append($0) }
        #expect(log.signals == [.interrupt, .terminate])
    }

    @Test func secretInArgvIsReportedAndSecretInEnvironmentIsNot() throws {
        let secret = "tok-\(UUID().uuidString)"
        let runner = RecordingCommandRunner()
        _ = try runner.run(ProcessSpec("podman", ["run", "-e", "TOKEN"], environment: ["TOKEN": secret]), timeout: nil)
        #expect(runner.argvNeverContains(secret))
        #expect(runner.argvNeverContains(""))
        _ = try runner.run(ProcessSpec("podman", ["run", "-e", "TOKEN=\(secret)"], environment: [:]), timeout: nil)
        #expect(!runner.argvNeverContains(secret))
        #expect(runner.invocations(exposingInArgv: secret).map(\.spec.arguments) == [["run", "-e", "TOKEN=\(secret)"]])
    }

    @Test func concurrentCallsAreAllRecorded() {
        let runner = RecordingCommandRunner()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            _ = try? runner.run(ProcessSpec("tool", ["\(index)"], environment: [:]), timeout: nil)
            if index % 10 == 0 { runner.enqueue(.success(ProcessResult(status: .exited(1)))) }
        }
        let recorded = runner.invocations.compactMap { Int($0.spec.arguments.first ?? "") }
        #expect(recorded.sorted() == Array(0..<200))
    }
}

/// Signals an `onSignal` handler received, from any thread.
final class SignalLog: @unchecked Sendable {
    // INVARIANT: `received` is only touched while holding `lock`.
    private let lock = NSLock()
    private var received: [ForwardedSignal] = []

    func append(_ signal: ForwardedSignal) { lock.withLock { received.append(signal) } }
    var signals: [ForwardedSignal] { lock.withLock { received } }
}
