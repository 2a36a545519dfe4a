import Backends
import Diagnostics
import Dispatch
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// A one-line progress indicator on standard error for steps that may take a while (pulling,
/// building, cache setup, fetching credentials).
///
/// It appears only when the step is still running after `delay` (300 ms), only when standard
/// error is a terminal and `--quiet` is not given, and it erases itself when the step ends, so
/// fast steps and logs print nothing. Thread-safe; one step at a time.
final class ProgressLine: @unchecked Sendable {
    private let output: OutputWriter
    private let enabled: Bool
    private let delay: DispatchTimeInterval
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var shown = false
    private var message = ""
    private var frame = 0
    private static let frames = ["-", "\\", "|", "/"]

    init(output: OutputWriter, enabled: Bool, delay: DispatchTimeInterval = .milliseconds(300)) {
        self.output = output
        self.enabled = enabled
        self.delay = delay
    }

    /// The indicator for a command: on when standard error is a terminal and not `--quiet`.
    convenience init(parsed: ParsedCommand, context: CommandContext) {
        self.init(output: context.standardError, enabled: context.standardErrorIsTerminal && !parsed.flag(.quiet))
    }

    /// Runs `body` with `message` shown while it lasts.
    @discardableResult
    func step<Result, Failure: Error>(_ message: String, _ body: () throws(Failure) -> Result) throws(Failure) -> Result
    {
        start(message)
        defer { finish() }
        return try body()
    }

    private func start(_ text: String) {
        guard enabled else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        lock.withLock {
            message = text
            frame = 0
            self.timer = timer
        }
        timer.schedule(deadline: .now() + delay, repeating: .milliseconds(120))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    private func tick() {
        lock.withLock {
            guard timer != nil else { return }
            shown = true
            frame = (frame + 1) % Self.frames.count
            output.write("\r\u{1B}[K\(Self.frames[frame]) \(message)…")
        }
    }

    private func finish() {
        lock.withLock {
            timer?.cancel()
            timer = nil
            if shown { output.write("\r\u{1B}[K") }
            shown = false
        }
    }
}
