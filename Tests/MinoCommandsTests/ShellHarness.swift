import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// Runs real shells for the completion tests: fish through `complete -C`, bash and zsh through
/// their line editors in a tmux pane (keys sent, screen captured), with bounded waits.
///
/// Under CI a missing shell or tmux fails the test; elsewhere the test is skipped by its caller.
enum ShellHarness {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    static func find(_ name: String) -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/local/bin"]
        where FileManager.default.isExecutableFile(
            atPath: directory + "/" + name)
        {
            return directory + "/" + name
        }
        return nil
    }

    /// Whether every tool exists; records a failure under CI when one is missing.
    static func available(_ tools: [String]) -> Bool {
        let missing = tools.filter { find($0) == nil }
        if !missing.isEmpty, isCI {
            Issue.record("missing \(missing.joined(separator: ", ")): scripts/install-test-deps installs them")
        }
        return missing.isEmpty
    }

    /// Runs a program to completion (at most `seconds`, then its process group is killed),
    /// returning its standard output.
    ///
    /// Runs through mino's own runner, not Foundation's `Process`: that one learns of the exit
    /// through a socket the child inherits, and the tmux server that the first `new-session`
    /// forks keeps it open for ever, so waiting for the client never ended (a fresh machine has
    /// no tmux server yet, which is how CI hung). Our runner closes every descriptor from 3 on in
    /// the child and reaps by pid.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, seconds: Double = 20
    ) throws -> String {
        let spec = ProcessSpec(
            executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment, error: .null)
        let result = try SystemCommandRunner().run(spec, timeout: .milliseconds(Int(seconds * 1000)))
        return String(decoding: result.output, as: UTF8.self)
    }

    /// A tmux session running one shell; removed by `close()`.
    struct Pane {
        let name: String
        let tmux: String

        init(command: [String], environment: [String: String]) throws {
            tmux = ShellHarness.find("tmux") ?? "/usr/bin/tmux"
            name = "mino-test-\(UUID().uuidString.prefix(8))"
            let assignments = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
            try ShellHarness.run(
                tmux, ["new-session", "-d", "-s", name, "-x", "200", "-y", "50", "env", "-i"] + assignments + command)
        }

        func send(_ keys: String...) throws {
            try ShellHarness.run(tmux, ["send-keys", "-t", name] + keys)
        }

        /// The pane's whole history and screen (lines that scrolled off included).
        func screen() throws -> String {
            try ShellHarness.run(tmux, ["capture-pane", "-p", "-S", "-", "-t", name])
        }

        /// Polls the screen until `predicate` holds (at most 5 s); returns the last screen.
        func wait(until predicate: (String) -> Bool) throws -> String {
            var text = ""
            for _ in 0..<50 {
                text = try screen()
                if predicate(text) { return text }
                usleep(100_000)
            }
            return text
        }

        func close() {
            _ = try? ShellHarness.run(tmux, ["kill-session", "-t", name])
        }
    }
}
