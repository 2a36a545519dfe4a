import Backends
import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// The single place where the pure pipeline is assembled: configuration, request and host
/// facts in; one `SessionPlan` out. Every decision that depends on the host (which fence
/// applier, whether the SSH agent is forwarded, the session name, the podman form) is made
/// here, once, so that what `mino plan` prints is exactly what `mino run` executes.
package enum SessionPlanner {
    /// What the plan is for: `mino plan` renders refusals as warnings, `mino run` stops on them.
    package enum Purpose: Sendable {
        /// `mino plan`, `policy check` and the golden tests.
        case plan
        /// `mino run`.
        case run
    }

    /// Everything a plan is made from.
    package struct Input: Sendable {
        /// Every configuration source merged, the project file already through the trust gate.
        package var config: EffectiveConfig
        /// Warnings found while loading the sources (trust, deprecations).
        package var warnings: [Diagnostic]
        /// The invocation.
        package var request: RunRequest
        /// What the probe found out about the host.
        package var facts: HostFacts
        /// The caches of the lockfiles found in the project.
        package var cacheVolumes: [CacheVolume]
        /// Where layers are looked for.
        package var layerSearch: LayerSearchPaths
        /// The terminal mino runs in (a detached session never gets one).
        package var terminal: TerminalMode
        /// Whether allowed names were resolved (`mino run` always resolves them).
        package var resolution: AddressResolution
        /// What the plan is for.
        package var purpose: Purpose

        /// Creates an input.
        package init(
            config: EffectiveConfig, warnings: [Diagnostic] = [], request: RunRequest, facts: HostFacts,
            cacheVolumes: [CacheVolume] = [], layerSearch: LayerSearchPaths, terminal: TerminalMode,
            resolution: AddressResolution, purpose: Purpose
        ) {
            self.config = config
            self.warnings = warnings
            self.request = request
            self.facts = facts
            self.cacheVolumes = cacheVolumes
            self.layerSearch = layerSearch
            self.terminal = terminal
            self.resolution = resolution
            self.purpose = purpose
        }
    }

    /// Plans a session.
    ///
    /// - Throws: `DiagnosticError` with the loading warnings and every error found.
    package static func plan(_ input: Input, layerFiles: some LayerFileSystem) throws(DiagnosticError) -> SessionPlan {
        var facts = input.facts
        var warnings = input.warnings
        // An agent that does not answer is not forwarded: a warning, and the policy compiles
        // without its socket.
        if input.request.sshAgent?.value ?? true, let socket = facts.sshAuthSocket,
            let problem = facts.sshAgentProblem
        {
            warnings.append(.sshAgentUnavailable(socket, reason: problem))
            facts.sshAuthSocket = nil
        }
        var policy: SandboxPolicy
        var composition: LayerComposition?
        do {
            let output = try PolicyCompilation.compile(
                input.config, request: input.request, facts: facts, cacheVolumes: input.cacheVolumes)
            warnings += output.warnings
            (policy, composition) = try LayerPlanning.compose(
                output.policy, facts: facts, search: input.layerSearch, fileSystem: layerFiles)
        } catch {
            throw DiagnosticError(warnings + error.diagnostics)
        }
        // The fence applier: from the host when it has the tools, else inside the container.
        if policy.network.mode.value == .allowlist, policy.network.enforcement.value == .netns,
            facts.fenceTools == nil
        {
            warnings.append(.fenceFallback(at: policy.network.enforcement.origin))
            policy.network.enforcement = Sourced(.wrapper, policy.network.enforcement.origin)
        }
        if policy.network.mode.value == .allowlist, policy.network.enforcement.value == .wrapper {
            warnings.append(.wrapperWithoutPolicyDNS(at: policy.network.enforcement.origin))
        }
        let refusal = refusal(policy, facts: facts)
        if input.purpose == .plan, let refusal { warnings.append(refusal.diagnostic.asWarning) }

        let name = input.request.sessionName?.value ?? facts.generatedSessionName
        let detach = policy.session.detach.value
        let terminal = detach ? TerminalMode.none : input.terminal
        let fenceFromHost = policy.network.mode.value == .allowlist && policy.network.enforcement.value == .netns
        let direct = !detach
        let homeVolume = HomeVolume.volume(for: policy)
        let artifacts: PlanArtifacts
        do {
            artifacts = try PlanArtifacts.build(
                policy, facts: facts, session: name, homeVolume: homeVolume, direct: direct,
                resolution: input.resolution, terminal: terminal, composition: composition)
        } catch {
            throw DiagnosticError(warnings + error.diagnostics)
        }
        var plan = SessionPlan(
            policy: policy, facts: facts, sessionName: name, sessionNameGenerated: input.request.sessionName == nil,
            containerName: PodmanBackend.containerName(forSession: name), homeVolume: homeVolume,
            composition: composition, artifacts: artifacts, warnings: warnings, refusal: refusal,
            resolution: input.resolution, terminal: terminal, steps: [])
        if policy.runtime.value == .container {
            do {
                plan.steps = try SessionSteps.container(plan, direct: direct, fenceFromHost: fenceFromHost)
            } catch {
                throw DiagnosticError(warnings + error.diagnostics)
            }
        }
        return plan
    }

    /// Why `mino run` would refuse to start `policy` on this host.
    static func refusal(_ policy: SandboxPolicy, facts: HostFacts) -> SessionPlan.Refusal? {
        if facts.userID == 0, !policy.identity.allowRoot.value {
            return .runningAsRoot(.rootRefused(at: policy.identity.allowRoot.origin))
        }
        if policy.runtime.value == .native {
            return .runtimeUnavailable(.nativeUnavailable(at: policy.runtime.origin))
        }
        return nil
    }
}
