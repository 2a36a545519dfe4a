import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// Thrown by a command handler to stop with an exit status and the diagnostics explaining it.
///
/// The application renders the diagnostics to standard error in the format chosen with
/// `--diagnostics-format`, then exits with `exitCode`. Handlers never print errors themselves
/// and never decide anything from an error's text.
public struct CommandFailure: Error, Sendable {
    /// The status to exit with.
    public let exitCode: ExitCode
    /// What went wrong; may be empty when the status says it all (an agent's own exit code).
    public let diagnostics: [Diagnostic]

    /// Creates a failure.
    public init(exitCode: ExitCode, diagnostics: [Diagnostic]) {
        self.exitCode = exitCode
        self.diagnostics = diagnostics
    }
}
