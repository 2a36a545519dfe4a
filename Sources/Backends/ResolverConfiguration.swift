import Diagnostics
import PolicyModel

/// What a session resolver is configured with, compiled from the network policy and the host:
/// the allow rules (with where each was written, for the decision log), the upstream servers,
/// the record types forwarded for allowed names, the pin lifetimes, and the ranges an allowed
/// name may open despite the rebinding guard. `mino plan` shows it; the executor serves it; a
/// detached session's supervisor reads it back from the session record.
public struct ResolverConfiguration: RenderedArtifact, Hashable {
    /// One allow rule.
    public struct Rule: Hashable, Sendable {
        /// The destination.
        public var host: NetworkRule.Host
        /// The TCP port answers are pinned for.
        public var port: UInt16
        /// Where the rule was written (`Origin`'s description).
        public var origin: String

        /// Creates a value from its parts.
        public init(host: NetworkRule.Host, port: UInt16, origin: String) {
            self.host = host
            self.port = port
            self.origin = origin
        }

        /// `host:port` as written in a rule.
        public var text: String { NetworkRule(host: host, port: port, origin: .builtin).description }
    }

    /// The allow rules, in policy order.
    public var rules: [Rule]
    /// Upstream servers (`ADDRESS` or `ADDRESS:PORT`, `[V6]:PORT`).
    public var upstreams: [String]
    /// Record types forwarded for allowed names besides A, AAAA and CNAME (`TXT`, …).
    public var extraTypes: [String]
    /// The shortest time a pinned answer stays open, in seconds.
    public var pinSeconds: UInt32
    /// Added to every pin's lifetime, in seconds.
    public var graceSeconds: UInt32
    /// CIDRs an allowed name may resolve into although they are private.
    public var allowPrivate: [String]
    /// The host's own addresses (never opened by a name).
    public var hostAddresses: [String]

    /// Creates a value from its parts.
    public init(
        rules: [Rule], upstreams: [String], extraTypes: [String], pinSeconds: UInt32, graceSeconds: UInt32,
        allowPrivate: [String], hostAddresses: [String]
    ) {
        self.rules = rules
        self.upstreams = upstreams
        self.extraTypes = extraTypes
        self.pinSeconds = pinSeconds
        self.graceSeconds = graceSeconds
        self.allowPrivate = allowPrivate
        self.hostAddresses = hostAddresses
    }

    /// The configuration as JSON (sorted keys), also what the session record keeps.
    public var json: JSONValue {
        .object([
            "listen": .string(EgressPolicyAddress.resolver + ":53"),
            "rules": .array(
                rules.map { rule in
                    let (family, host): (String, String)
                    switch rule.host {
                    case .name(let value): (family, host) = ("name", value)
                    case .wildcard(let value): (family, host) = ("wildcard", value)
                    case .ipv4(let value): (family, host) = ("ipv4", value)
                    case .ipv6(let value): (family, host) = ("ipv6", value)
                    case .network(let block): (family, host) = ("network", block.description)
                    }
                    return .object([
                        "family": .string(family), "host": .string(host), "port": .integer(Int64(rule.port)),
                        "origin": .string(rule.origin),
                    ])
                }),
            "upstreams": .array(upstreams.map(JSONValue.string)),
            "extra_types": .array(extraTypes.map(JSONValue.string)),
            "pin_seconds": .integer(Int64(pinSeconds)),
            "grace_seconds": .integer(Int64(graceSeconds)),
            "allow_private": .array(allowPrivate.map(JSONValue.string)),
            "host_addresses": .array(hostAddresses.map(JSONValue.string)),
        ])
    }

    /// The configuration `json` wrote (from `JSONSerialization` output), or `nil`.
    public init?(jsonObject object: [String: Any]) {
        func strings(_ key: String) -> [String]? { object[key] as? [String] }
        guard let rawRules = object["rules"] as? [[String: Any]], let upstreams = strings("upstreams"),
            let extraTypes = strings("extra_types"), let allowPrivate = strings("allow_private"),
            let hostAddresses = strings("host_addresses"), let pin = object["pin_seconds"] as? Int,
            let grace = object["grace_seconds"] as? Int, let pinSeconds = UInt32(exactly: pin),
            let graceSeconds = UInt32(exactly: grace)
        else { return nil }
        var rules = [Rule]()
        for raw in rawRules {
            guard let host = raw["host"] as? String, let port = (raw["port"] as? Int).flatMap({ UInt16(exactly: $0) }),
                let origin = raw["origin"] as? String
            else { return nil }
            switch raw["family"] as? String {
            case "name": rules.append(Rule(host: .name(host), port: port, origin: origin))
            case "wildcard": rules.append(Rule(host: .wildcard(host), port: port, origin: origin))
            case "ipv4": rules.append(Rule(host: .ipv4(host), port: port, origin: origin))
            case "ipv6": rules.append(Rule(host: .ipv6(host), port: port, origin: origin))
            case "network":
                guard let block = IPNetwork(host) else { return nil }
                rules.append(Rule(host: .network(block), port: port, origin: origin))
            default: return nil
            }
        }
        self.init(
            rules: rules, upstreams: upstreams, extraTypes: extraTypes, pinSeconds: pinSeconds,
            graceSeconds: graceSeconds, allowPrivate: allowPrivate, hostAddresses: hostAddresses)
    }

    public var rendered: String { json.rendered(pretty: true) + "\n" }
    public var lines: [ArtifactLine] {
        rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { ArtifactLine(String($0)) }
    }
    public var enforcement: [EnforcementReport] {
        [
            EnforcementReport(
                "network.dns", .kernel,
                "only mino's session resolver (\(EgressPolicyAddress.resolver):53 in the sandbox): allowed names "
                    + "are answered through \(upstreams.isEmpty ? "no upstream" : upstreams.joined(separator: ", ")), "
                    + "every other name is refused without a query leaving the host"),
            EnforcementReport(
                "network.pinning", .kernel,
                "addresses answered for an allowed name open its port for max(TTL, \(pinSeconds) s) + \(graceSeconds) s"
                    + " (nftables set timeouts)"),
            EnforcementReport(
                "network.rebinding-guard", .kernel,
                "loopback, link-local, private, metadata and host addresses are never opened by a name"
                    + (allowPrivate.isEmpty
                        ? ""
                        : " (private ranges opened by your config: "
                            + allowPrivate.joined(separator: ", ") + ")")),
        ]
    }
}

/// Compiles a session's `ResolverConfiguration`.
public enum ResolverConfigurationBackend {
    /// The configuration of an allowlist `network` on a host with `facts`; `nil` for other modes.
    /// Upstreams are `network.dns_servers` when the user set them, else the host's resolvers.
    public static func configuration(for network: NetworkPolicy, facts: HostFacts) -> ResolverConfiguration? {
        guard network.mode.value == .allowlist else { return nil }
        let upstreams =
            network.dnsServers.isEmpty
            ? facts.hostResolvers.compactMap { IPAddress($0).map { ResolverEndpoint(address: $0).description } }
            : network.dnsServers.map(\.value.description)
        return ResolverConfiguration(
            rules: network.rules.map {
                ResolverConfiguration.Rule(host: $0.host, port: $0.port, origin: $0.origin.summary)
            },
            upstreams: upstreams, extraTypes: network.dnsTypes.map(\.value),
            pinSeconds: UInt32(clamping: network.pinSeconds.value),
            graceSeconds: UInt32(clamping: network.pinGraceSeconds.value),
            allowPrivate: network.allowPrivate.map(\.value.description), hostAddresses: facts.hostAddresses)
    }
}
