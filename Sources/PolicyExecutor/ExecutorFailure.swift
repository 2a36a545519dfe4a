import Backends
import Diagnostics
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Why the executor stopped, with the diagnostics that explain it. The kind says what went
/// wrong, not how to exit: the commands choose exit codes from it.
package struct ExecutorFailure: Error, Sendable {
    /// What kind of failure.
    package enum Kind: Sendable {
        /// A tool, the host or the state failed (podman, nsenter, a file mino writes).
        case failed
        /// The input (a policy, a layer, a state file's content) is invalid.
        case invalidInput
        /// A file or directory the user named does not exist.
        case missingInput
        /// The request itself is invalid (a name or value the command line gave).
        case invalidRequest
        /// The host cannot do what was asked.
        case unavailable
    }

    /// What kind of failure.
    package let kind: Kind
    /// What went wrong; may be empty when the kind says it all.
    package let diagnostics: [Diagnostic]

    /// Creates a failure.
    package init(_ kind: Kind, diagnostics: [Diagnostic]) {
        self.kind = kind
        self.diagnostics = diagnostics
    }
}
