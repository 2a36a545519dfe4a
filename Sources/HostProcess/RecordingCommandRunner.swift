import Diagnostics
import Foundation

/// A test double for `CommandRunner`: runs nothing, records every call and answers with scripted
/// results. For unit tests of code that runs programs; never used by `mino` itself.
///
/// Answers come first from a queue (`enqueue(_:)`, in call order), then from the responder given
/// at creation (by default: exit status 0, no output). Attached runs return the answer's status
/// and, before that, hand `signalsDuringAttachedRuns` (those asked for) to their `onSignal`;
/// detached spawns return made-up pids from 10000 upwards. Safe to use from several threads.
public final class RecordingCommandRunner: CommandRunner, @unchecked Sendable {
    /// Which method was called.
    public enum Method: Sendable, Hashable {
        /// `run(_:timeout:)` with this timeout.
        case run(timeout: Duration?)
        /// `runAttached(_:forwarding:onSignal:)` with these signals.
        case attached(forwarding: Set<ForwardedSignal>)
        /// `spawnDetached(_:)`.
        case detached
    }

    /// One recorded call.
    public struct Invocation: Sendable, Hashable {
        /// Which method.
        public var method: Method
        /// The spec it was given.
        public var spec: ProcessSpec

        /// The argv the program would have seen: the executable, then the arguments.
        public var argv: [String] { [spec.executable] + spec.arguments }
    }

    /// Computes the answer to a call the queue has no entry for.
    public typealias Responder = @Sendable (ProcessSpec) -> Result<ProcessResult, ProcessError>

    // INVARIANT: every stored property below is read and written only while holding `lock`.
    private let lock = NSLock()
    private let responder: Responder
    private var queue: [Result<ProcessResult, ProcessError>] = []
    private var recorded: [Invocation] = []
    private var pendingSignals: [ForwardedSignal] = []
    private var nextPid: Int32 = 10_000

    /// Creates a runner that answers from `results` in order, then with `responder`.
    public init(
        results: [Result<ProcessResult, ProcessError>] = [],
        responder: @escaping Responder = { _ in .success(ProcessResult(status: .exited(0))) }
    ) {
        self.queue = results
        self.responder = responder
    }

    /// Adds an answer to the end of the queue.
    public func enqueue(_ result: Result<ProcessResult, ProcessError>) {
        lock.withLock { queue.append(result) }
    }

    /// Signals the next attached run hands to its `onSignal` (those it forwards) before returning.
    public var signalsDuringAttachedRuns: [ForwardedSignal] {
        get { lock.withLock { pendingSignals } }
        set { lock.withLock { pendingSignals = newValue } }
    }

    /// Every call so far, in order.
    public var invocations: [Invocation] { lock.withLock { recorded } }

    /// The specs of every call so far, in order.
    public var specs: [ProcessSpec] { invocations.map(\.spec) }

    /// The calls whose argv (executable or any argument) contains `secret`; an empty `secret` is
    /// never reported. Secrets belong in the environment: a non-empty answer is a leak.
    public func invocations(exposingInArgv secret: String) -> [Invocation] {
        guard !secret.isEmpty else { return [] }
        return invocations.filter { invocation in invocation.argv.contains { $0.contains(secret) } }
    }

    /// Whether no recorded argv contains `secret` (`#expect(runner.argvNeverContains(token))`).
    public func argvNeverContains(_ secret: String) -> Bool {
        invocations(exposingInArgv: secret).isEmpty
    }

    /// Records the call and returns the next scripted result.
    public func run(_ spec: ProcessSpec, timeout: Duration?) throws(ProcessError) -> ProcessResult {
        try answer(Invocation(method: .run(timeout: timeout), spec: spec)).get()
    }

    /// Records the call, hands the scripted signals to `onSignal` and returns the next scripted
    /// result's status.
    public func runAttached(
        _ spec: ProcessSpec, forwarding: Set<ForwardedSignal>, onSignal: @escaping @Sendable (ForwardedSignal) -> Void
    ) throws(ProcessError) -> ProcessStatus {
        let result = answer(Invocation(method: .attached(forwarding: forwarding), spec: spec))
        let signals = lock.withLock {
            defer { pendingSignals = [] }
            return pendingSignals
        }
        for signal in signals where forwarding.contains(signal) {
            onSignal(signal)
        }
        return try result.get().status
    }

    /// Records the call and returns a made-up pid, or throws the scripted error.
    public func spawnDetached(_ spec: ProcessSpec) throws(ProcessError) -> Int32 {
        _ = try answer(Invocation(method: .detached, spec: spec)).get()
        return lock.withLock {
            defer { nextPid += 1 }
            return nextPid
        }
    }

    private func answer(_ invocation: Invocation) -> Result<ProcessResult, ProcessError> {
        let queued: Result<ProcessResult, ProcessError>? = lock.withLock {
            recorded.append(invocation)
            return queue.isEmpty ? nil : queue.removeFirst()
        }
        // The responder runs outside the lock: it may inspect the runner.
        return queued ?? responder(invocation.spec)
    }
}
