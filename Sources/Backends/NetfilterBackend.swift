import Diagnostics
import PolicyModel

/// Compiles an allowlist policy into a default-deny netfilter ruleset, one table per family.
///
/// The fence, in rule order:
/// 1. `INPUT`, `FORWARD` and `OUTPUT` policies `DROP`;
/// 2. loopback and `ESTABLISHED,RELATED` traffic accepted both ways;
/// 3. IPv6 only: the neighbour-discovery messages IPv6 cannot work without (router
///    solicitation out, router advertisement in, neighbour solicitation and advertisement both
///    ways); every other ICMP and ICMPv6 message is refused;
/// 4. DNS (UDP and TCP 53) accepted only to `HostFacts.containerResolvers` of the table's
///    family, so names cannot be tunnelled through other resolvers;
/// 5. for each rule in policy order, one `ACCEPT` per address and port, addresses sorted:
///    A records and IPv4 literals in the IPv4 table only, AAAA records and IPv6 literals in the
///    IPv6 table only;
/// 6. a final `REJECT` (TCP reset, else ICMP administratively prohibited), so a blocked
///    connection fails at once instead of timing out.
public enum NetfilterBackend {
    /// The ICMPv6 types accepted on output: router solicitation, neighbour solicitation and
    /// neighbour advertisement.
    static let outputNeighbourDiscovery = [133, 135, 136]
    /// The ICMPv6 types accepted on input: router advertisement, neighbour solicitation and
    /// neighbour advertisement.
    static let inputNeighbourDiscovery = [134, 135, 136]

    private struct CompiledRule {
        let rule: NetworkRule
        /// `nil` in symbolic mode for a name; single addresses are full-length blocks.
        let addresses: [IPNetwork]?
    }

    /// The ruleset for `policy`, or `nil` when its network mode is not `allowlist`.
    ///
    /// - Throws: `DiagnosticError` with every `backend.unresolved-host` (resolved mode),
    ///   `backend.invalid-address` and `backend.invalid-host-name` found.
    public static func ruleset(
        for policy: SandboxPolicy, facts: HostFacts, resolution: AddressResolution
    ) throws(DiagnosticError) -> NetfilterRuleset? {
        try ruleset(for: policy.network, facts: facts, resolution: resolution)
    }

    /// The ruleset of a network policy alone: what a running session's fence is re-rendered
    /// from when late-bound facts change (the container's resolvers, new DNS answers).
    ///
    /// - Throws: `DiagnosticError` with every problem found.
    public static func ruleset(
        for network: NetworkPolicy, facts: HostFacts, resolution: AddressResolution
    ) throws(DiagnosticError) -> NetfilterRuleset? {
        guard network.mode.value == .allowlist else { return nil }
        var collector = DiagnosticCollector()
        // Few addresses per rule: arrays with a membership check, not sets (no hashing needed).
        var resolvers = [IPAddress]()
        for text in facts.containerResolvers {
            if let address = IPAddress(text) {
                if !resolvers.contains(address) { resolvers.append(address) }
            } else {
                collector.add(.backendInvalidAddress(text, role: "container resolver", at: nil))
            }
        }
        var compiled = [CompiledRule]()
        for rule in network.rules {
            switch rule.host {
            case .ipv4(let text), .ipv6(let text):
                let family: IPAddress.Family
                if case .ipv4 = rule.host { family = .ipv4 } else { family = .ipv6 }
                if let address = IPAddress(text, family: family) {
                    compiled.append(CompiledRule(rule: rule, addresses: [Self.host(address)]))
                } else {
                    collector.add(
                        .backendInvalidAddress(text, role: "allowed \(family.rawValue) host", at: rule.origin))
                }
            case .network(let block):
                compiled.append(CompiledRule(rule: rule, addresses: [block]))
            case .wildcard:
                // No addresses of its own: only the session's resolver pins what it answers.
                compiled.append(CompiledRule(rule: rule, addresses: []))
            case .name(let name):
                if let problem = Validation.hostName(name, origin: rule.origin) {
                    collector.add(problem)
                    continue
                }
                guard resolution == .resolved else {
                    compiled.append(CompiledRule(rule: rule, addresses: nil))
                    continue
                }
                var addresses = [IPAddress]()
                for text in facts.resolvedAddresses[name] ?? [] {
                    if let address = IPAddress(text) {
                        if !addresses.contains(address) { addresses.append(address) }
                    } else {
                        collector.add(.backendInvalidAddress(text, role: "address of `\(name)`", at: rule.origin))
                    }
                }
                if addresses.isEmpty, facts.resolvedAddresses[name]?.isEmpty ?? true {
                    collector.add(.backendUnresolvedHost(name, at: rule.origin))
                }
                compiled.append(CompiledRule(rule: rule, addresses: addresses.sorted().map(Self.host)))
            }
        }
        try collector.throwIfAny()

        let sortedResolvers = resolvers.sorted()
        let ipv4 = table(.ipv4, network: network, resolvers: sortedResolvers, rules: compiled)
        let ipv6 = table(.ipv6, network: network, resolvers: sortedResolvers, rules: compiled)
        return NetfilterRuleset(
            ipv4Lines: ipv4, ipv6Lines: ipv6,
            enforcement: enforcement(resolvers: sortedResolvers, rules: compiled, resolution: resolution))
    }

    /// `address` as a block of itself (`/32`, `/128`).
    private static func host(_ address: IPAddress) -> IPNetwork {
        IPNetwork(containing: address, prefixLength: address.bytes.count * 8)
    }

    private static func table(
        _ family: IPAddress.Family, network: NetworkPolicy, resolvers: [IPAddress], rules: [CompiledRule]
    ) -> [ArtifactLine] {
        let mode = network.mode.origin
        let isIPv6 = family == .ipv6
        let tool = isIPv6 ? "ip6tables-restore" : "iptables-restore"
        var lines = [
            ArtifactLine("# mino network allowlist, \(isIPv6 ? "IPv6" : "IPv4") table for \(tool)", origin: mode),
            ArtifactLine("*filter", origin: mode),
            ArtifactLine(":INPUT DROP [0:0]", origin: mode),
            ArtifactLine(":FORWARD DROP [0:0]", origin: mode),
            ArtifactLine(":OUTPUT DROP [0:0]", origin: mode),
            ArtifactLine("-A INPUT -i lo -j ACCEPT", origin: mode),
            ArtifactLine("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", origin: mode),
        ]
        if isIPv6 {
            for type in inputNeighbourDiscovery {
                lines.append(
                    ArtifactLine("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type \(type) -j ACCEPT", origin: mode))
            }
        }
        lines.append(ArtifactLine("-A OUTPUT -o lo -j ACCEPT", origin: mode))
        lines.append(ArtifactLine("-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT", origin: mode))
        if isIPv6 {
            for type in outputNeighbourDiscovery {
                lines.append(
                    ArtifactLine("-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type \(type) -j ACCEPT", origin: mode))
            }
        }

        let familyResolvers = resolvers.filter { $0.family == family }
        if familyResolvers.isEmpty {
            lines.append(ArtifactLine("# DNS: no \(family.rawValue) resolver, so no DNS over \(family.rawValue)"))
        } else {
            lines.append(ArtifactLine("# DNS: only to the container's resolvers"))
            for resolver in familyResolvers {
                for proto in ["udp", "tcp"] {
                    lines.append(
                        ArtifactLine("-A OUTPUT -d \(resolver.hostPrefix) -p \(proto) -m \(proto) --dport 53 -j ACCEPT")
                    )
                }
            }
        }

        for compiled in rules {
            let rule = compiled.rule
            guard let addresses = compiled.addresses else {
                lines.append(
                    ArtifactLine("# allow \(rule): addresses resolved when the session starts", origin: rule.origin))
                continue
            }
            if case .wildcard = rule.host {
                lines.append(
                    ArtifactLine(
                        "# allow \(rule): opened only by the session's resolver, which this table does not have",
                        origin: rule.origin))
                continue
            }
            let matching = addresses.filter { $0.family == family }
            if matching.isEmpty {
                // A literal of the other family says nothing here; a name says why it has no rule.
                if case .name = rule.host {
                    lines.append(ArtifactLine("# allow \(rule): no \(family.rawValue) address", origin: rule.origin))
                }
                continue
            }
            lines.append(ArtifactLine("# allow \(rule)", origin: rule.origin))
            for address in matching {
                lines.append(
                    ArtifactLine(
                        "-A OUTPUT -d \(address) -p tcp -m tcp --dport \(rule.port) -j ACCEPT",
                        origin: rule.origin))
            }
        }

        let rejection = isIPv6 ? "icmp6-adm-prohibited" : "icmp-admin-prohibited"
        lines.append(ArtifactLine("# everything else is refused at once", origin: mode))
        lines.append(ArtifactLine("-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset", origin: mode))
        lines.append(ArtifactLine("-A OUTPUT -j REJECT --reject-with \(rejection)", origin: mode))
        lines.append(ArtifactLine("COMMIT", origin: mode))
        return lines
    }

    private static func enforcement(
        resolvers: [IPAddress], rules: [CompiledRule], resolution: AddressResolution
    ) -> [EnforcementReport] {
        let allowlist: String
        switch resolution {
        case .resolved:
            let count = rules.reduce(0) { $0 + ($1.addresses?.count ?? 0) }
            allowlist =
                "netfilter, default deny for tcp, udp and icmp on IPv4 and IPv6; "
                + "\(rules.count) rule(s) accept \(count) address(es)"
        case .symbolic:
            allowlist =
                "netfilter, default deny for tcp, udp and icmp on IPv4 and IPv6; "
                + "names are resolved when the session starts"
        }
        let dns =
            resolvers.isEmpty
            ? "no container resolver known: DNS is blocked"
            : "DNS only to " + resolvers.map(\.description).joined(separator: ", ")
                + ", which answer any name (no session resolver: names outside the policy resolve)"
        // This table is the wrapper applier's, which has no session resolver.
        return [
            EnforcementReport("network.allowlist", .kernel, allowlist),
            EnforcementReport("network.dns", .kernel, dns),
            EnforcementReport(
                "network.pinning", .unsupported,
                "no session resolver: allowed names are resolved once when the session starts; `*.domain` opens nothing"
            ),
            EnforcementReport(
                "network.rebinding-guard", .unsupported,
                "no session resolver: whatever an allowed name resolves to at start is opened, private addresses too"),
        ]
    }
}
