import Backends
import Diagnostics
import EgressPolicy
import PolicyCompiler
import PolicyModel
import TOML

/// Every artifact `mino run` would apply for a policy on a host, built by the pure backends.
package struct PlanArtifacts {
    /// The proxy port shown for native allowlists (the real one is chosen when the proxy starts).
    package static let previewProxyPort: UInt16 = 49152

    package var podman: PodmanInvocation?
    /// mino's seccomp profile and where the executor writes it (container sessions).
    package var seccomp: (profile: SeccompProfile, path: String)?
    /// The iptables fence of the in-container wrapper applier.
    package var netfilter: NetfilterRuleset?
    /// The session runtime files of the fence hook (netns applier).
    package var fenceFiles: FenceHookFiles?
    /// The OCI hook definition that loads the fence (netns applier).
    package var fenceHook: FenceHookDefinition?
    /// The fence the hook loads (netns applier).
    package var nftables: NftablesRuleset?
    /// The session resolver's configuration (netns applier).
    package var resolver: ResolverConfiguration?
    package var execWrapper: WrapperScript?
    package var pfAnchor: PFAnchor?
    package var pfConf: PFConfReference?
    package var sudoers: SudoersFragment?
    package var helperRequest: HelperRequest?
    /// The layers composed onto the base image, when the policy names any.
    package var composition: LayerComposition?
    package var notes: [Diagnostic] = []

    /// Every enforcement report, each element once (the first report wins), sorted by element.
    package var enforcement: [EnforcementReport] {
        var seen = Set<String>()
        var reports = [EnforcementReport]()
        let all: [[EnforcementReport]] = [
            podman?.enforcement ?? [], nftables?.enforcement ?? [], resolver?.enforcement ?? [],
            netfilter?.enforcement ?? [],
            pfAnchor?.enforcement ?? [],
            sudoers?.enforcement ?? [], helperRequest?.enforcement ?? [],
        ]
        for report in all.joined() where seen.insert(report.element).inserted {
            reports.append(report)
        }
        return reports.sorted { $0.element < $1.element }
    }

    /// Builds the artifacts of a session named `session`; `resolution` is `.symbolic` unless
    /// names were resolved. `composition` is the policy's layer composition (`LayerPlanning`),
    /// already applied to `policy`; `direct` selects the attached one-step `podman run` form.
    package static func build(
        _ policy: SandboxPolicy, facts: HostFacts, session: String, homeVolume: String?, direct: Bool,
        resolution: AddressResolution, terminal: TerminalMode, composition: LayerComposition? = nil
    ) throws(DiagnosticError) -> PlanArtifacts {
        var artifacts = PlanArtifacts()
        if let composition {
            artifacts.composition = composition
            artifacts.notes += layerNotes(composition)
        }
        switch policy.runtime.value {
        case .container:
            let podmanSession = PodmanSession(name: session, homeVolume: homeVolume)
            if direct {
                artifacts.podman = try PodmanBackend.run(
                    policy, facts: facts, session: podmanSession, terminal: terminal, resolution: resolution)
            } else {
                artifacts.podman = try PodmanBackend.create(
                    policy, facts: facts, session: podmanSession, terminal: terminal, resolution: resolution)
            }
            artifacts.seccomp = (
                SeccompBackend.profile(), SeccompBackend.profilePath(runtimeDirectory: facts.runtimeDirectory)
            )
            if policy.network.mode.value == .allowlist, policy.network.enforcement.value == .netns,
                let tools = facts.fenceTools
            {
                let files = FenceHookFiles(facts: facts, session: session)
                artifacts.fenceFiles = files
                artifacts.nftables = try NftablesBackend.ruleset(for: policy.network)
                artifacts.resolver = ResolverConfigurationBackend.configuration(for: policy.network, facts: facts)
                artifacts.notes += literalNotes(policy.network, facts: facts)
                artifacts.fenceHook = FenceHookDefinition(
                    files: files, mino: facts.minoExecutable ?? "mino", nft: tools.nft,
                    origin: policy.network.enforcement.origin)
            }
            if policy.network.mode.value == .allowlist, policy.network.enforcement.value == .wrapper {
                artifacts.netfilter = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: resolution)
                artifacts.execWrapper = try CapshWrapperBackend.execScript(
                    command: [policy.shell.value], origin: policy.shell.origin, facts: facts)
            }
        case .native:
            guard facts.platform == .macOS else {
                artifacts.notes.append(.nativeLinuxUnavailable(at: policy.runtime.origin))
                return artifacts
            }
            let port = policy.network.mode.value == .allowlist ? previewProxyPort : nil
            artifacts.pfAnchor = try PFAnchorBackend.sessionAnchor(
                for: policy, facts: facts, sessionID: session, proxyPort: port)
            artifacts.pfConf = PFAnchorBackend.pfConfReference()
            artifacts.sudoers = try SudoersBackend.fragment(facts: facts)
            artifacts.helperRequest = try HelperRequestBackend.spawnRequest(
                for: policy, facts: facts, sessionID: session, dotfileDirectory: nil, environment: .redacted)
        }
        return artifacts
    }

    /// Literal rules for addresses the rebinding guard would never let a name open: they work
    /// (the rule names the address itself), and the plan says so.
    static func literalNotes(_ network: NetworkPolicy, facts: HostFacts) -> [Diagnostic] {
        let guardrail = AddressGuard(
            hostAddresses: facts.hostAddresses.compactMap { IPAddress($0) },
            allowPrivate: network.allowPrivate.map(\.value))
        return network.rules.compactMap { rule in
            let address: IPAddress?
            switch rule.host {
            case .ipv4(let value), .ipv6(let value): address = IPAddress(value)
            case .network(let block): address = block.address
            case .name, .wildcard: return nil
            }
            guard let address, case .refused(let reason) = guardrail.verdict(for: address) else { return nil }
            return .literalGuardedAddress(rule.description, reason: reason.rawValue, at: rule.origin)
        }
    }

    /// What the plan cannot know or the user must still decide about the layers.
    package static func layerNotes(_ composition: LayerComposition) -> [Diagnostic] {
        var notes = [Diagnostic]()
        for layer in composition.layers where layer.needsApproval {
            notes.append(.layerNeedsApproval(layer.name, directory: layer.directory, at: layer.requested.origin))
        }
        if composition.isTagProvisional {
            notes.append(.provisionalImageTag(composition.baseImage.value, at: composition.baseImage.origin))
        }
        return notes
    }
}

extension Diagnostic {
    package static func literalGuardedAddress(_ rule: String, reason: String, at origin: Origin) -> Diagnostic {
        Diagnostic(
            .note, "plan.literal-guarded-address",
            "`\(rule)` opens a \(reason) address because the rule names it; no allowed name could open it", at: origin,
            help: "the rebinding guard applies to what names resolve to, never to a literal rule")
    }

    package static func layerNeedsApproval(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .warning(
            "plan.layer-needs-approval",
            "layer `\(name)` comes from the project (`\(directory)`), which is repository code", at: origin,
            help: "mino run asks you to approve this exact layer content (its SHA-256) before using it")
    }

    package static func provisionalImageTag(_ image: String, at origin: Origin) -> Diagnostic {
        .warning(
            "plan.provisional-image-tag",
            "the composed image tag is provisional: the ID of `\(image)` is not known until it is pulled", at: origin,
            help: "the tag also covers the base image's ID, so a re-pulled base rebuilds the composed image")
    }

    package static func nativeLinuxUnavailable(at origin: Origin) -> Diagnostic {
        .warning(
            "plan.native-linux-unavailable",
            "the native runtime on Linux has no artifacts in this build; only the policy is shown", at: origin,
            help: "use the container runtime (`--runtime container`), the default")
    }
}
