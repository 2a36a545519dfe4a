import Diagnostics
import PolicyModel

/// Compiles the network part of a native macOS session into pf rules for its sandbox user.
///
/// pf matches a packet to a user only for TCP and UDP sockets (its socket lookup knows no other
/// protocol), so the rules cover TCP and UDP on IPv4 and IPv6, and ICMP from the sandbox user
/// is reported `unsupported` instead of being written as a rule that never matches.
///
/// Rules are per user, not per session: two concurrent sessions under the same sandbox user
/// share each other's rules (pf evaluates every `mino/*` sub-anchor), so the executor must not
/// run sessions with different network modes under one sandbox user at the same time.
public enum PFAnchorBackend {
    /// The anchor `pf.conf` references; sessions are its sub-anchors.
    public static let anchorName = "mino"
    /// The file the `load anchor` line loads.
    public static let anchorFile = "/etc/pf.anchors/mino"

    /// The sub-anchor of a session: `mino/session-<id>`.
    public static func anchorPath(forSession sessionID: String) -> String { "\(anchorName)/session-\(sessionID)" }

    /// The rules of one session, or `nil` for `host` mode (nothing to enforce):
    /// - `allowlist`: pass TCP to `127.0.0.1:proxyPort` (mino's filtering proxy), then block
    ///   all TCP and UDP on IPv4 and IPv6; no DNS either, the proxy resolves names (a comment
    ///   line per `*.domain` rule says the proxy, not pf, admits it);
    /// - `none`: block all TCP and UDP on IPv4 and IPv6;
    /// - `bridge`: block TCP and UDP on `lo0`, so the host's localhost services stay unreachable.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-user-name`, `backend.invalid-session-name`,
    ///   `backend.missing-proxy-port`, `backend.invalid-host-name`).
    public static func sessionAnchor(
        for policy: SandboxPolicy, facts: HostFacts, sessionID: String, proxyPort: UInt16?
    ) throws(DiagnosticError) -> PFAnchor? {
        let mode = policy.network.mode
        var collector = DiagnosticCollector()
        collector.add(Validation.sandboxUser(policy.native.sandboxUser, facts: facts))
        collector.add(Validation.sessionName(sessionID, origin: policy.session.name?.origin))
        if mode.value == .allowlist, (proxyPort ?? 0) == 0 { collector.add(.backendMissingProxyPort(at: mode.origin)) }
        try collector.throwIfAny()

        let user = policy.native.sandboxUser.value
        let userOrigin = policy.native.sandboxUser.origin
        var lines = [
            ArtifactLine("# mino session \(sessionID): network rules for sandbox user \(user)", origin: userOrigin)
        ]
        var enforcement = [EnforcementReport]()
        let icmp = EnforcementReport(
            "network.icmp", .unsupported, "pf cannot tell which user sent ICMP: ICMP from the sandbox is not blocked")
        let dns = EnforcementReport(
            "network.dns", .unsupported,
            "macOS resolves names in mDNSResponder, not as the sandbox user: lookups are not blocked")
        let blockAll = ["inet", "inet6"].map {
            ArtifactLine(
                "block return out quick \($0) proto { tcp udp } from any to any user \(user)", origin: mode.origin)
        }
        switch mode.value {
        case .host:
            return nil
        case .bridge:
            lines.append(
                ArtifactLine(
                    "block return out quick on lo0 proto { tcp udp } from any to any user \(user)", origin: mode.origin)
            )
            enforcement.append(
                EnforcementReport(
                    "network.host-localhost", .kernel,
                    "pf blocks tcp and udp of \(user) on lo0: host services unreachable"))
        case .none:
            lines += blockAll
            enforcement.append(
                EnforcementReport("network.mode", .kernel, "pf blocks all tcp and udp of \(user) on IPv4 and IPv6"))
            enforcement += [icmp, dns]
        case .allowlist:
            let port = proxyPort ?? 0
            lines.append(
                ArtifactLine(
                    "pass out quick on lo0 inet proto tcp from any to 127.0.0.1 port \(port) user \(user)",
                    origin: policy.network.preset?.origin ?? mode.origin))
            // pf matches addresses, never names: every rule, `*.domain` ones included, is
            // decided by name in the proxy. Say so for wildcards, which have no address at all.
            for rule in policy.network.rules {
                guard case .wildcard(let domain) = rule.host else { continue }
                if let problem = Validation.wildcardDomain(domain, origin: rule.origin) { collector.add(problem) }
                lines.append(
                    ArtifactLine(
                        "# allow \(rule): pf cannot match names; mino's proxy admits names below \(domain)",
                        origin: rule.origin))
            }
            try collector.throwIfAny()
            lines += blockAll
            enforcement.append(
                EnforcementReport(
                    "network.allowlist", .proxy,
                    "pf lets \(user) reach only mino's proxy on 127.0.0.1:\(port); the proxy enforces the allowed hosts"
                ))
            enforcement += [icmp, dns]
        }
        return PFAnchor(anchorPath: anchorPath(forSession: sessionID), lines: lines, enforcement: enforcement)
    }

    /// The `pf.conf` lines that make pf evaluate `mino/*`, in pf's required order.
    public static func pfConfReference() -> PFConfReference {
        let wildcard = "\"\(anchorName)/*\""
        let lines = ["scrub-anchor", "nat-anchor", "rdr-anchor", "dummynet-anchor", "anchor"].map {
            ArtifactLine("\($0) \(wildcard)")
        }
        return PFConfReference(
            lines: lines + [ArtifactLine("load anchor \"\(anchorName)\" from \"\(anchorFile)\"")],
            anchorFile: anchorFile,
            anchorFileContent:
                "# mino: each session's rules are loaded into the sub-anchor \(anchorName)/session-<id>\n")
    }
}
