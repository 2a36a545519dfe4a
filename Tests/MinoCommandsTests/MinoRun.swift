import Diagnostics
import Foundation
import PolicyModel
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// One run of the whole application with captured output, at a fixed width and version.
struct MinoRun {
    static let testVersion = "9.9.9-test"

    let status: Int32
    let stdout: String
    let stderr: String

    init(
        _ arguments: [String],
        environment: [String: String] = [:],
        registry: CommandRegistry = CommandRegistry(),
        stderrIsTerminal: Bool = false,
        width: Int? = 80,
        currentDirectory: String = "/work/project",
        interactiveInput: [String]? = nil,
        runner: (any CommandRunner)? = nil,
        hostFacts: HostFacts? = nil
    ) {
        let out = OutputBuffer()
        let err = OutputBuffer()
        let context = CommandContext(
            arguments: arguments, environment: environment, currentDirectory: currentDirectory,
            standardOutput: out.writer, standardError: err.writer,
            standardInput: interactiveInput.map { lines in
                let queue = LineQueue(lines)
                return InputReader { queue.next() }
            } ?? .empty,
            standardInputIsTerminal: interactiveInput != nil, standardOutputIsTerminal: interactiveInput != nil,
            standardErrorIsTerminal: stderrIsTerminal,
            terminalWidth: width, version: MinoRun.testVersion, commandRunner: runner, hostFacts: hostFacts)
        status = MinoApplication.run(context, registry: registry)
        stdout = out.text
        stderr = err.text
    }

    /// The text the caret line underlines in the echoed command line of a human diagnostic,
    /// and the 0-based column of the first caret inside the echo (after the `  | ` gutter).
    var underlined: (text: String, column: Int)? {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let echoIndex = lines.firstIndex(where: { $0.hasPrefix("  | mino") }), echoIndex + 1 < lines.count
        else { return nil }
        let echo = Array(lines[echoIndex].unicodeScalars.dropFirst(4))
        let carets = Array(lines[echoIndex + 1].unicodeScalars.dropFirst(4))
        guard let first = carets.firstIndex(of: "^") else { return nil }
        var text = String.UnicodeScalarView()
        for (column, scalar) in carets.enumerated() where scalar == "^" && column < echo.count {
            text.append(echo[column])
        }
        return (String(text), first)
    }

    /// The diagnostic code of the first diagnostic on stderr (`cli.unknown-option`).
    var code: String? {
        guard let open = stderr.firstIndex(of: "["), let close = stderr.firstIndex(of: "]"), open < close else {
            return nil
        }
        return String(stderr[stderr.index(after: open)..<close])
    }
}

/// Canned answers for prompts, handed out one line at a time.
final class LineQueue: @unchecked Sendable {
    private var lines: [String]
    private let lock = NSLock()

    init(_ lines: [String]) { self.lines = lines }

    func next() -> String? {
        lock.withLock { lines.isEmpty ? nil : lines.removeFirst() }
    }
}

/// Parsing straight through the parser, for tests of values and errors.
enum Parse {
    static func outcome(_ arguments: [String], environment: [String: String] = [:]) throws(CommandLineError)
        -> ParseOutcome
    {
        try CommandLineParser(root: MinoCommand.spec, environment: environment).parse(arguments)
    }

    /// The parsed command, or a recorded issue and `nil`.
    static func command(
        _ arguments: [String], environment: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> ParsedCommand? {
        do {
            if case .command(let parsed) = try outcome(arguments, environment: environment) { return parsed }
            Issue.record("\(arguments) did not select a command", sourceLocation: sourceLocation)
        } catch {
            Issue.record(
                "\(arguments) failed: \(error.diagnostic.code) \(error.diagnostic.message)",
                sourceLocation: sourceLocation)
        }
        return nil
    }

    /// The usage error, or a recorded issue and `nil`.
    static func error(
        _ arguments: [String], environment: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> CommandLineError? {
        do {
            _ = try outcome(arguments, environment: environment)
            Issue.record("\(arguments) parsed without error", sourceLocation: sourceLocation)
        } catch {
            return error
        }
        return nil
    }
}

extension Origin {
    /// The argv index and byte range of an argument origin, for compact assertions.
    var argumentSpot: (index: Int, range: Range<Int>?)? {
        guard case .argument(let position) = self else { return nil }
        return (position.index, position.range)
    }
}
