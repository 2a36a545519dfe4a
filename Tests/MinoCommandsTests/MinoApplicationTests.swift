import Diagnostics
import PolicyModel
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct MinoApplicationTests {
    @Test func aCommandWithoutHandlerExitsSixtyNineWithOneError() {
        let run = MinoRun(["run", "--", "claude"])
        #expect(run.status == 69)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == """
                error[cli.not-implemented]: `mino run` is not available in this build yet
                  |
                  | mino run -- claude
                  |      ^^^
                  = help: this build can run `mino help` and `mino --version`

                """)
    }

    @Test func theNotImplementedHelpNamesRegisteredCommands() {
        let registry = CommandRegistry([(["config", "path"], { _, _ in .success })])
        let run = MinoRun(["config"], registry: registry)
        #expect(run.status == 69)
        #expect(run.stderr.contains("`mino config show` is not available in this build yet"))
        #expect(run.stderr.contains("this build can run `mino help`, `mino --version` and `mino config path`"))
    }

    @Test func aRegisteredHandlerReceivesTheParsedCommand() {
        let seen = OutputBuffer()
        let registry = CommandRegistry([
            (
                ["cache", "gc"],
                { parsed, context in
                    context.standardOutput.write("days=\(parsed.string(.days) ?? "-") dry=\(parsed.flag(.dryRun))\n")
                    seen.writer.write(parsed.path.joined(separator: " "))
                    return ExitCode(3)
                }
            )
        ])
        let run = MinoRun(["cache", "gc", "--days", "7", "--dry-run"], registry: registry)
        #expect(run.status == 3)
        #expect(run.stdout == "days=7 dry=true\n")
        #expect(seen.text == "cache gc")
    }

    @Test func theDefaultSubcommandDispatchesToItsHandler() {
        let registry = CommandRegistry([
            (
                ["config", "show"],
                { _, context in
                    context.standardOutput.write("shown\n")
                    return .success
                }
            )
        ])
        #expect(MinoRun(["config"], registry: registry).stdout == "shown\n")
        #expect(MinoRun(["config", "show"], registry: registry).status == 0)
    }

    @Test func aCommandFailureIsRenderedInTheChosenFormat() {
        let failure = CommandFailure(
            exitCode: .noInput,
            diagnostics: [.error("policy.missing-file", "policy file `x.toml` does not exist", help: "create it")])
        let registry = CommandRegistry([(["policy", "check"], { _, _ in throw failure })])
        let human = MinoRun(["policy", "check", "x.toml"], registry: registry)
        #expect(human.status == 66)
        #expect(
            human.stderr == "error[policy.missing-file]: policy file `x.toml` does not exist\n  = help: create it\n")
        let plain = MinoRun(["policy", "check", "--diagnostics-format", "plain"], registry: registry)
        #expect(plain.stderr == "error[policy.missing-file]: policy file `x.toml` does not exist (help: create it)\n")
        let json = MinoRun(["--diagnostics-format=json", "policy", "check"], registry: registry)
        #expect(json.stderr.hasPrefix("["))
        #expect(json.stderr.contains("policy.missing-file"))
    }

    @Test func aDiagnosticErrorExitsSixtyFive() {
        let registry = CommandRegistry([
            (["policy", "check"], { _, _ in throw DiagnosticError(.error("toml.syntax", "expected `=`")) })
        ])
        let run = MinoRun(["policy", "check"], registry: registry)
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error[toml.syntax]: expected `=`"))
    }

    @Test func anUnexpectedErrorExitsOneAndShowsDetailOnlyWhenVerbose() {
        struct Oops: Error, CustomStringConvertible { var description: String { "private detail" } }
        let registry = CommandRegistry([(["status"], { _, _ in throw Oops() })])
        let quiet = MinoRun(["status"], registry: registry)
        #expect(quiet.status == 1)
        #expect(quiet.stderr.contains("the command failed"))
        #expect(!quiet.stderr.contains("private detail"))
        #expect(MinoRun(["-v", "status"], registry: registry).stderr.contains("private detail"))
    }

    @Test func handlerDiagnosticsHonourColor() {
        let registry = CommandRegistry([
            (["status"], { _, _ in throw CommandFailure(exitCode: .failure, diagnostics: [.error("x.y", "bad")]) })
        ])
        #expect(MinoRun(["status", "--color", "always"], registry: registry).stderr.contains("\u{1B}["))
        #expect(!MinoRun(["status"], registry: registry, stderrIsTerminal: false).stderr.contains("\u{1B}["))
    }

    @Test func exitCodesHaveTheDocumentedValues() {
        #expect(
            [ExitCode.success, .failure, .usageError, .dataError, .noInput, .unavailable].map(\.rawValue) == [
                0, 1, 64, 65, 66, 69,
            ])
    }

    @Test func theTreeIsMarkedFromTheRegistry() throws {
        let tree = MinoCommand.spec.markingImplemented([["config", "path"]])
        #expect(tree.chain(to: ["config", "path"])?.last?.isImplemented == true)
        #expect(tree.chain(to: ["config", "show"])?.last?.isImplemented == false)
        #expect(tree.isImplemented == false)
    }
}
