import Backends
import Diagnostics
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// How the executor reaches the user: progress on long steps and the approval of a project
/// layer. Injected, so that the executor never prompts or prints by itself; a non-interactive
/// implementation answers every question with no.
package protocol SessionInteraction: Sendable {
    /// Runs `body`, showing `message` while it takes long.
    func step<Result, Failure: Error>(_ message: String, _ body: () throws(Failure) -> Result) throws(Failure)
        -> Result
    /// Asks whether the project layer `layer` (at `path`) may be built; `false` when no one
    /// can be asked.
    func approveLayer(_ layer: ResolvedLayer, path: String) -> Bool
    /// Reports warnings found while executing (a credential provider that failed).
    func warn(_ diagnostics: [Diagnostic])
}
