import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// Where a command reads answers to prompts: the process's standard input, or canned lines in
/// tests.
import TOML

public struct InputReader: Sendable {
    private let next: @Sendable () -> String?

    /// Creates a reader that asks `next` for each line (`nil` at end of input).
    public init(_ next: @escaping @Sendable () -> String?) {
        self.next = next
    }

    /// The next line without its line ending, or `nil` at end of input.
    public func readLine() -> String? { next() }

    /// No input at all.
    public static let empty = InputReader { nil }

    /// The process's standard input.
    public static let standardInput = InputReader { Swift.readLine(strippingNewline: true) }
}
