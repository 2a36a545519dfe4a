import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct ProgressAndTraceTests {
    @Test func aSlowStepShowsItsMessageAndErasesIt() {
        let buffer = OutputBuffer()
        let progress = ProgressLine(output: buffer.writer, enabled: true, delay: .milliseconds(0))
        progress.step("Pulling image") {
            // Bounded wait until the indicator has drawn once.
            for _ in 0..<200 where !buffer.text.contains("Pulling image") { usleep(10_000) }
        }
        #expect(buffer.text.contains("Pulling image…"))
        #expect(buffer.text.hasSuffix("\r\u{1B}[K"))
    }

    @Test func fastDisabledOrQuietStepsPrintNothing() {
        let fast = OutputBuffer()
        ProgressLine(output: fast.writer, enabled: true, delay: .seconds(30)).step("Quick") {}
        #expect(fast.text.isEmpty)
        let disabled = OutputBuffer()
        ProgressLine(output: disabled.writer, enabled: false, delay: .milliseconds(0)).step("Off") { usleep(50_000) }
        #expect(disabled.text.isEmpty)
    }

    @Test func verboseShowsEachCommandWithoutSecrets() throws {
        let runner = RecordingCommandRunner()
        let buffer = OutputBuffer()
        let trace = CommandTrace(base: runner, output: buffer.writer)
        _ = try trace.run(
            ProcessSpec(
                "podman", ["create", "-e", "GITHUB_TOKEN", "--label", "a b", "API_TOKEN=hunter2"],
                environment: ["GITHUB_TOKEN": "ghp_canary"]), timeout: nil)
        #expect(buffer.text == "+ podman create -e GITHUB_TOKEN --label 'a b' 'API_TOKEN=<redacted>'\n")
        #expect(!buffer.text.contains("ghp_canary") && !buffer.text.contains("hunter2"))
        #expect(runner.invocations.count == 1)
    }

    @Test func theVerboseFlagTracesThroughTheApplication() {
        let runner = RecordingCommandRunner()
        let out = OutputBuffer()
        let err = OutputBuffer()
        let context = CommandContext(
            arguments: ["-v", "cache", "list"], environment: ["HOME": "/nonexistent"], standardOutput: out.writer,
            standardError: err.writer, commandRunner: runner)
        _ = MinoApplication.run(context)
        #expect(err.text.hasPrefix("+ podman info"))
        // The control: without -v nothing is traced.
        let quiet = OutputBuffer()
        _ = MinoApplication.run(
            CommandContext(
                arguments: ["cache", "list"], environment: ["HOME": "/nonexistent"], standardError: quiet.writer,
                commandRunner: RecordingCommandRunner()))
        #expect(!quiet.text.contains("+ podman"))
    }
}
