import Backends
import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// Everything `mino run` will do for one invocation, decided once by `SessionPlanner`:
/// `mino plan` prints it, `mino run` executes it, step by step.
package struct SessionPlan: Sendable {
    /// Why `mino run` would not start this plan at all (it still renders).
    package enum Refusal: Sendable {
        /// mino runs as root and the policy does not allow it.
        case runningAsRoot(Diagnostic)
        /// The runtime the policy asks for is not available in this build on this host.
        case runtimeUnavailable(Diagnostic)

        /// The diagnostic explaining the refusal.
        package var diagnostic: Diagnostic {
            switch self {
            case .runningAsRoot(let diagnostic), .runtimeUnavailable(let diagnostic): return diagnostic
            }
        }
    }

    /// The final policy: never edited after planning.
    package var policy: SandboxPolicy
    /// The host facts the plan was made with, after the planner's decisions (an SSH agent that
    /// does not answer is not forwarded).
    package var facts: HostFacts
    /// The session's name, given with `-n` or drawn by the probe.
    package var sessionName: String
    /// Whether `sessionName` was drawn rather than given.
    package var sessionNameGenerated: Bool
    /// The container's name (`mino-<session>`).
    package var containerName: String
    /// The home volume, when the session has one.
    package var homeVolume: String?
    /// The layers composed onto the base image, when the policy names any.
    package var composition: LayerComposition?
    /// Every artifact the steps use.
    package var artifacts: PlanArtifacts
    /// Warnings from loading, compiling and planning, in the order found.
    package var warnings: [Diagnostic]
    /// Why `mino run` would refuse to start, if it would.
    package var refusal: Refusal?
    /// How allowed names appear in the artifacts (`mino run` always resolves).
    package var resolution: AddressResolution
    /// The terminal the agent gets.
    package var terminal: TerminalMode
    /// The ordered steps.
    package var steps: [SessionStep]

    /// The steps one performer executes, in order.
    package func steps(performedBy performer: SessionStep.Performer) -> [SessionStep] {
        steps.filter { $0.performer == performer }
    }
}
