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

/// `mino run [options] [-- command]`: compiles the policy, creates the session and its
/// container, applies the network fence, then either stays attached (forwarding signals,
/// restoring the terminal) and exits with the agent's exit code, or (`-d`) starts it in the
/// background under a supervisor process that records how it ends.
enum RunCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "run",
        abstract: "Start a sandboxed session",
        discussion: """
            Compiles the policy, starts a container with the project mounted and everything else denied \
            unless the policy allows it, and runs the command in it. Give the command after '--', for \
            example: mino run -- claude --resume
            """,
        optionGroups: RunOptions.groups,
        passthrough: PassthroughSpec(valueName: "command", help: "The command to run, after '--' (default: the shell)"),
        constraints: RunOptions.constraints)

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        // An attached run lives as long as the session: its argv must not show `-e NAME=value`.
        OwnArguments.hideSensitiveValues(shown: parsed.argumentList, context: context)
        let progress = ProgressLine(parsed: parsed, context: context)
        let plan = try SessionPlanLoading(parsed: parsed, context: context, purpose: .run).plan(
            resolve: true, progress: progress)
        let presentation = DiagnosticPresentation(parsed: parsed, context: context)
        let quiet = parsed.flag(.quiet)
        switch plan.refusal {
        case .runningAsRoot(let diagnostic)?:
            throw CommandFailure(exitCode: .failure, diagnostics: plan.warnings + [diagnostic])
        case .runtimeUnavailable(let diagnostic)?:
            throw CommandFailure(exitCode: .unavailable, diagnostics: plan.warnings + [diagnostic])
        case nil:
            break
        }
        // `--strict`: every element `plan` lists as unsupported on this host stops the run.
        let unenforced = plan.artifacts.enforcement.filter { $0.level == .unsupported }
        if parsed.flag(.strict), !unenforced.isEmpty {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: plan.warnings
                    + unenforced.map {
                        .error(
                            "run.unenforced", "`\($0.element)` is not enforced on this host: \($0.note)",
                            help: "run without --strict to accept it, or use a host that enforces it")
                    })
        }
        let interaction = CommandInteraction(
            context: context, progress: progress, renderer: presentation.renderer, quiet: quiet)
        interaction.warn(plan.warnings)
        let executor = try Executor(context: context)
        let execution = PlanExecution(
            executor: executor, plan: plan, interaction: interaction,
            trustLocal: parsed.flagSetting(.trustLocal).map { Sourced($0.isOn, $0.origin) },
            nameOrigin: parsed.value(.name)?.origin)
        switch try execution.run() {
        case .exited(let status):
            return ExitCode(status)
        case .detached:
            if !quiet {
                let name = plan.sessionName
                context.standardOutput.write(
                    "Session \(name) started (container \(plan.containerName))\n"
                        + "  Logs:  mino logs \(name)\n  Shell: mino exec \(name)\n  Stop:  mino stop \(name)\n")
            }
            return .success
        }
    }
}

/// This process's own command line, which `ps` shows to every local user.
enum OwnArguments {
    /// Overwrites, in this process's argv memory, the values the parser hid from diagnostics
    /// (`-e NAME=value` keeps `NAME=`), so that the process table never shows a secret for the
    /// life of a session. Only when `context` describes this process (not an in-process run of
    /// the application, as in tests).
    static func hideSensitiveValues(shown list: ArgumentList, context: CommandContext) {
        let original = CommandLine.arguments
        guard original.count == list.arguments.count, Array(original.dropFirst()) == context.arguments else { return }
        for index in 1..<original.count where list.arguments[index] != original[index] {
            guard let word = CommandLine.unsafeArgv[index] else { continue }
            // What precedes the placeholder (`NAME=`) stays visible.
            let shown = list.arguments[index]
            let kept =
                shown.hasSuffix(ArgumentRedaction.placeholder)
                ? shown.utf8.count - ArgumentRedaction.placeholder.utf8.count
                : zip(shown.utf8, original[index].utf8).prefix { $0 == $1 }.count
            let length = strlen(word)
            guard kept < length else { continue }
            for offset in kept..<length { word[offset] = CChar(UInt8(ascii: "*")) }
        }
    }
}
