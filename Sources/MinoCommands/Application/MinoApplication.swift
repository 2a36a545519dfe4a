import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// The `mino` program as a function from a context to an exit status.
///
/// Parses the command line, answers help and version, reports usage errors (exit 64), and
/// dispatches to the registered handler of the selected command (exit 69 when there is none).
/// Everything is written through the context, so tests run it whole.
public enum MinoApplication {
    /// Runs `mino` once and returns the exit status.
    /// The program: repairs the standard streams and the signal mask a parent may have left,
    /// runs the command line of this process and exits with its status.
    public static func main() -> Never {
        StandardStreams.reopenClosed()
        SignalMask.unblockHandledSignals()
        exit(run(.process()))
    }

    public static func run(_ context: CommandContext, registry: CommandRegistry = .standard) -> Int32 {
        let tree = MinoCommand.spec.markingImplemented(registry.paths)
        let parser = CommandLineParser(root: tree, environment: context.environment)
        let help = HelpRenderer(root: tree, width: context.helpWidth)
        let outcome: ParseOutcome
        do {
            outcome = try parser.parse(context.arguments)
        } catch {
            reportUsageError(error, help: help, context: context)
            return ExitCode.usageError.rawValue
        }
        switch outcome {
        case .version:
            context.standardOutput.write("mino \(context.version)\n")
            return ExitCode.success.rawValue
        case .help(let path):
            context.standardOutput.write(help.help(for: path) ?? "")
            return ExitCode.success.rawValue
        case .command(let parsed):
            return dispatch(parsed, tree: tree, registry: registry, context: context).rawValue
        }
    }

    private static func reportUsageError(_ error: CommandLineError, help: HelpRenderer, context: CommandContext) {
        let presentation = DiagnosticPresentation(scanning: context.arguments, context: context)
        var text = presentation.renderer.render(error.diagnostic)
        if presentation.showsUsage, let usage = help.usage(for: error.commandPath) {
            let command = (["mino"] + error.commandPath).joined(separator: " ")
            text += usage + "\n" + "  See '\(command) --help' for more information.\n"
        }
        context.standardError.write(text)
    }

    private static func dispatch(
        _ parsed: ParsedCommand, tree: CommandSpec, registry: CommandRegistry, context: CommandContext
    ) -> ExitCode {
        let presentation = DiagnosticPresentation(parsed: parsed, context: context)
        func report(_ diagnostics: [Diagnostic]) {
            guard !diagnostics.isEmpty else { return }
            context.standardError.write(presentation.renderer.render(diagnostics))
        }
        guard parsed.spec.isImplemented, let handler = registry.handler(for: parsed.path) else {
            let available =
                ["mino help", "mino --version"]
                + registry.paths.map { (["mino"] + $0).joined(separator: " ") }.sorted()
            let command = (["mino"] + parsed.path).joined(separator: " ")
            report([.notImplemented(command: command, available: available, at: parsed.commandOrigin)])
            return .unavailable
        }
        var context = context
        if parsed.count(.verbose) > 0, let runner = context.commandRunner {
            context.commandRunner = CommandTrace(base: runner, output: context.standardError)
        }
        do {
            return try handler(parsed, context)
        } catch let failure as CommandFailure {
            report(failure.diagnostics)
            return failure.exitCode
        } catch let failure as ExecutorFailure {
            let mapped = CommandFailure(failure)
            report(mapped.diagnostics)
            return mapped.exitCode
        } catch let failure as DiagnosticError {
            report(failure.diagnostics)
            return .dataError
        } catch {
            // An error that is neither: its description is shown only with -v, because it is
            // not written for users and might quote data that should stay private.
            let detail = parsed.count(.verbose) > 0 ? "the command failed: \(error)" : "the command failed"
            report([.error("mino.unexpected-error", detail, help: "run again with `-v` for details")])
            return .failure
        }
    }
}
