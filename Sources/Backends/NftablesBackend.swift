import Diagnostics
import PolicyModel

/// Compiles an allowlist policy into the `inet mino` nftables table of policy DNS with pinned
/// addresses: default deny, and names opened only by what the session's resolver answers.
///
/// The table, for IPv4 and IPv6 at once:
/// 1. `input`, `forward` and `output` hooked at filter priority 0, policy `drop`;
/// 2. loopback and `established,related` traffic accepted both ways. The session's resolver
///    listens on loopback, so this is what lets DNS reach it; no rule accepts port 53 elsewhere;
/// 3. the neighbour-discovery messages IPv6 cannot work without, exactly as `NetfilterBackend`
///    (router solicitation out, router advertisement in, neighbour solicitation and
///    advertisement both ways); no other ICMP or ICMPv6 message;
/// 4. TCP to an address and port in `pinned4` or `pinned6`: sets with a timeout per element,
///    empty when loaded, which the session's resolver fills for each address it returns for an
///    allowed name (through `NetfilterSetClient`, with no reload);
/// 5. for each rule in policy order: an address literal gets one `accept` of its own; a name or
///    `*.domain` gets only a comment, because its addresses arrive through the pin sets;
/// 6. every packet about to be refused updates a counting set keyed by its destination
///    (`denied4`/`denied6`: address, protocol and port for TCP and UDP;
///    `deniedother4`/`deniedother6`: address and protocol for the rest, ICMP included), so the
///    session can say what the agent tried to reach;
/// 7. a final reject (TCP reset, else administratively prohibited), so a blocked connection
///    fails at once instead of timing out.
///
/// Only addresses (rendered through `IPAddress`), ports and validated host names in comments
/// reach the text.
public enum NftablesBackend {
    /// The table's family: one table for IPv4 and IPv6.
    public static let tableFamily = "inet"
    /// The table's name.
    public static let tableName = "mino"
    /// The IPv4 pins: `ipv4_addr . inet_service` with a timeout per element.
    public static let pinnedIPv4Set = "pinned4"
    /// The IPv6 pins: `ipv6_addr . inet_service` with a timeout per element.
    public static let pinnedIPv6Set = "pinned6"
    /// Refused IPv4 TCP and UDP: `ipv4_addr . inet_proto . inet_service`, a counter per element.
    public static let deniedIPv4Set = "denied4"
    /// Refused IPv6 TCP and UDP: `ipv6_addr . inet_proto . inet_service`, a counter per element.
    public static let deniedIPv6Set = "denied6"
    /// Refused IPv4 of every other protocol: `ipv4_addr . inet_proto`, a counter per element.
    public static let deniedOtherIPv4Set = "deniedother4"
    /// Refused IPv6 of every other protocol: `ipv6_addr . inet_proto`, a counter per element.
    public static let deniedOtherIPv6Set = "deniedother6"
    /// The most elements a counting set keeps; once full, new destinations are still refused
    /// but no longer counted.
    public static let deniedSetSize = 65536

    /// The pin set of `family`.
    public static func pinnedSet(for family: IPAddress.Family) -> String {
        family == .ipv4 ? pinnedIPv4Set : pinnedIPv6Set
    }

    /// The nftables names of the ICMPv6 neighbour-discovery types `NetfilterBackend` accepts.
    private static let neighbourDiscoveryNames = [
        133: "nd-router-solicit", 134: "nd-router-advert", 135: "nd-neighbor-solicit", 136: "nd-neighbor-advert",
    ]

    /// A rule checked and sorted by how the table opens it.
    private enum CompiledRule {
        /// An address literal or block: accepted by a rule of its own.
        case literal(NetworkRule, IPNetwork)
        /// A name or `*.domain`: opened only through the pin sets.
        case resolved(NetworkRule)
    }

    /// The table for `network`, or `nil` when its mode is not `allowlist`.
    ///
    /// - Throws: `DiagnosticError` with every `backend.invalid-address` and
    ///   `backend.invalid-host-name` found.
    public static func ruleset(for network: NetworkPolicy) throws(DiagnosticError) -> NftablesRuleset? {
        guard network.mode.value == .allowlist else { return nil }
        var collector = DiagnosticCollector()
        var compiled = [CompiledRule]()
        for rule in network.rules {
            switch rule.host {
            case .ipv4(let text), .ipv6(let text):
                let family: IPAddress.Family
                if case .ipv4 = rule.host { family = .ipv4 } else { family = .ipv6 }
                if let address = IPAddress(text, family: family) {
                    compiled.append(
                        .literal(rule, IPNetwork(containing: address, prefixLength: address.bytes.count * 8)))
                } else {
                    collector.add(
                        .backendInvalidAddress(text, role: "allowed \(family.rawValue) host", at: rule.origin))
                }
            case .network(let block):
                compiled.append(.literal(rule, block))
            case .name(let name), .wildcard(let name):
                // The name only reaches a comment, but a comment must still hold one line.
                if let problem = Validation.hostName(name, origin: rule.origin) {
                    collector.add(problem)
                } else {
                    compiled.append(.resolved(rule))
                }
            }
        }
        try collector.throwIfAny()
        return NftablesRuleset(
            lines: table(network: network, rules: compiled), enforcement: enforcement(rules: compiled))
    }

    /// The lines of the file, in order.
    private static func table(network: NetworkPolicy, rules: [CompiledRule]) -> [ArtifactLine] {
        let mode = network.mode.origin
        let table = "\(tableFamily) \(tableName)"
        var lines = [ArtifactLine]()
        func add(_ text: String, _ depth: Int, origin: Origin? = mode) {
            lines.append(ArtifactLine(String(repeating: "    ", count: depth) + text, origin: origin))
        }
        func neighbourDiscovery(_ types: [Int]) -> String {
            let names = types.map { neighbourDiscoveryNames[$0] ?? String($0) }
            return "icmpv6 type { \(names.joined(separator: ", ")) } accept"
        }

        add("# mino network allowlist for nft -f: IPv4 and IPv6 in one table, replaced in one transaction", 0)
        add("table \(table) {}", 0)
        add("delete table \(table)", 0)
        add("table \(table) {", 0)
        add("# the session's resolver adds address . port pins, each with its own timeout", 1)
        add("set \(pinnedIPv4Set) { type ipv4_addr . inet_service; flags timeout; }", 1)
        add("set \(pinnedIPv6Set) { type ipv6_addr . inet_service; flags timeout; }", 1)
        add("# refused traffic, counted per destination", 1)
        for (name, key) in [
            (deniedIPv4Set, "ipv4_addr . inet_proto . inet_service"),
            (deniedIPv6Set, "ipv6_addr . inet_proto . inet_service"),
            (deniedOtherIPv4Set, "ipv4_addr . inet_proto"),
            (deniedOtherIPv6Set, "ipv6_addr . inet_proto"),
        ] {
            add("set \(name) { type \(key); flags dynamic; counter; size \(deniedSetSize); }", 1)
        }
        add("chain input {", 1)
        add("type filter hook input priority 0; policy drop;", 2)
        add("iif lo accept", 2)
        add("ct state established,related accept", 2)
        add(neighbourDiscovery(NetfilterBackend.inputNeighbourDiscovery), 2)
        add("}", 1)
        add("chain forward {", 1)
        add("type filter hook forward priority 0; policy drop;", 2)
        add("}", 1)
        add("chain output {", 1)
        add("type filter hook output priority 0; policy drop;", 2)
        add("# loopback carries DNS to the session's resolver; no other rule accepts port 53", 2)
        add("oif lo accept", 2)
        add("ct state established,related accept", 2)
        add(neighbourDiscovery(NetfilterBackend.outputNeighbourDiscovery), 2)
        add("# what the session's resolver answered for an allowed name, until its pin expires", 2)
        add("ip daddr . tcp dport @\(pinnedIPv4Set) accept", 2)
        add("ip6 daddr . tcp dport @\(pinnedIPv6Set) accept", 2)
        for compiled in rules {
            switch compiled {
            case .literal(let rule, let block):
                let match = block.family == .ipv4 ? "ip daddr" : "ip6 daddr"
                // A single address as itself, a block as address/length; canonical either way.
                let target =
                    block.prefixLength == block.address.bytes.count * 8 ? "\(block.address)" : block.description
                // The comment names the rule by its canonical form too, not as written.
                let host = block.family == .ipv4 ? target : "[\(target)]"
                add("# allow \(host):\(rule.port)", 2, origin: rule.origin)
                add("\(match) \(target) tcp dport \(rule.port) accept", 2, origin: rule.origin)
            case .resolved(let rule):
                add(
                    "# allow \(rule): opened by the session's resolver (@\(pinnedIPv4Set), @\(pinnedIPv6Set))", 2,
                    origin: rule.origin)
            }
        }
        add("# everything else is counted, then refused at once", 2)
        add("meta l4proto { tcp, udp } update @\(deniedIPv4Set) { ip daddr . meta l4proto . th dport }", 2)
        add("meta l4proto { tcp, udp } update @\(deniedIPv6Set) { ip6 daddr . meta l4proto . th dport }", 2)
        add("meta l4proto != { tcp, udp } update @\(deniedOtherIPv4Set) { ip daddr . meta l4proto }", 2)
        add("meta l4proto != { tcp, udp } update @\(deniedOtherIPv6Set) { ip6 daddr . meta l4proto }", 2)
        add("meta l4proto tcp reject with tcp reset", 2)
        add("reject with icmpx admin-prohibited", 2)
        add("}", 1)
        add("}", 0)
        return lines
    }

    /// `network.allowlist` and `network.dns`.
    private static func enforcement(rules: [CompiledRule]) -> [EnforcementReport] {
        var literals = 0
        var names = 0
        for rule in rules {
            if case .literal = rule { literals += 1 } else { names += 1 }
        }
        return [
            EnforcementReport(
                "network.allowlist", .kernel,
                "nftables, default deny for every protocol on IPv4 and IPv6; \(literals) literal rule(s) accept "
                    + "their address, \(names) name rule(s) open only the pinned answers of the session's resolver"),
            EnforcementReport(
                "network.dns", .kernel,
                "DNS only to the session's resolver on loopback, which answers allowed names alone and pins "
                    + "each address it returns"),
        ]
    }
}
