import Diagnostics
import PolicyModel

/// Whether allowlisted host names are compiled to addresses.
public enum AddressResolution: String, Hashable, Sendable {
    /// Every name must have addresses in `HostFacts.resolvedAddresses`; a name with none is the
    /// error `backend.unresolved-host` (what `mino run` and `mino plan --resolve` use).
    case resolved
    /// Names become comment lines saying they are resolved when the session starts (what
    /// `mino plan` shows without `--resolve`). Address literals still compile to rules.
    case symbolic
}

/// The allowlist fence in `iptables-restore` format: one table per address family.
///
/// `ipv4` is fed to `iptables-restore`, `ipv6` to `ip6tables-restore`; `rendered` is the two
/// tables one after the other (each starts with a comment naming its family), for display
/// and goldens.
public struct NetfilterRuleset: RenderedArtifact, Hashable {
    /// The IPv4 table, for `iptables-restore`.
    public let ipv4: String
    /// The IPv6 table, for `ip6tables-restore`.
    public let ipv6: String
    /// `ipv4`, line by line.
    public let ipv4Lines: [ArtifactLine]
    /// `ipv6`, line by line.
    public let ipv6Lines: [ArtifactLine]
    /// `ipv4Lines` followed by `ipv6Lines`.
    public let lines: [ArtifactLine]
    /// `ipv4` followed by `ipv6`.
    public let rendered: String
    /// `network.allowlist` and `network.dns`.
    public let enforcement: [EnforcementReport]

    /// Creates a ruleset from the lines of its two tables.
    init(ipv4Lines: [ArtifactLine], ipv6Lines: [ArtifactLine], enforcement: [EnforcementReport]) {
        self.ipv4Lines = ipv4Lines
        self.ipv6Lines = ipv6Lines
        self.ipv4 = ArtifactLine.render(ipv4Lines)
        self.ipv6 = ArtifactLine.render(ipv6Lines)
        self.lines = ipv4Lines + ipv6Lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
    }
}
