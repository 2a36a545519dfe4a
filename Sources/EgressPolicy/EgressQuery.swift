import Diagnostics
import PolicyModel

/// Answers "may the sandbox reach HOST[:PORT]?" from a network policy alone, for `mino policy
/// query`: the decision, every rule that admits the host and where each was written.
///
/// In allowlist mode a name is admitted by exact and wildcard rules (`NameMatcher`); an address
/// only by rules naming that literal — an allowed name's answer opens an address for a while
/// (pinned), but that depends on DNS at run time, so a query about an address reports only what
/// the policy itself says, plus whether the rebinding guard would keep every name from opening
/// it. Bridge and host modes reach everything; `none` reaches nothing.
public enum EgressQuery {
    /// Evaluates `host` (a name, or an IPv4/IPv6 literal with or without brackets) on `port`
    /// (`nil`: any port) under `network`.
    public static func evaluate(host: String, port: UInt16?, network: NetworkPolicy) -> EgressAnswer {
        let subject = EgressAnswer.Subject(host)
        var answer = EgressAnswer(subject: subject, port: port, decision: .denied, mode: network.mode)
        if case .address(let address) = subject {
            let guarded = AddressGuard(hostAddresses: [], allowPrivate: network.allowPrivate.map(\.value))
            if case .refused(let refusal) = guarded.verdict(for: address) { answer.guardRefusal = refusal }
        }
        switch network.mode.value {
        case .bridge, .host:
            answer.decision = .allowed
            return answer
        case .none:
            return answer
        case .allowlist:
            break
        }
        var admitting = [EgressAnswer.MatchedRule]()
        switch subject {
        case .name(let name):
            let found = NameMatcher(rules: network.rules).rules(for: name)
            // Exact rules first: they are the more specific reason.
            admitting =
                found.filter { if case .name = $0.host { return true } else { return false } }
                .map { EgressAnswer.MatchedRule(rule: $0, match: .exact) }
                + found.filter { if case .wildcard = $0.host { return true } else { return false } }
                .map { EgressAnswer.MatchedRule(rule: $0, match: .wildcard) }
        case .address(let address):
            admitting = network.rules.filter { rule in
                switch rule.host {
                case .ipv4(let text), .ipv6(let text): return IPAddress(text) == address
                case .network(let block): return block.contains(address)
                case .name, .wildcard: return false
                }
            }.map { EgressAnswer.MatchedRule(rule: $0, match: .literal) }
        }
        if let port {
            answer.rules = admitting.filter { $0.rule.port == port }
            answer.otherPorts = admitting.filter { $0.rule.port != port }
        } else {
            answer.rules = admitting
        }
        answer.decision = answer.rules.isEmpty ? .denied : .allowed
        return answer
    }
}

/// The answer of `EgressQuery.evaluate`.
public struct EgressAnswer: Hashable, Sendable {
    /// Whether the destination is reachable under the policy.
    public enum Decision: String, Hashable, Sendable {
        /// Reachable.
        case allowed
        /// Not reachable.
        case denied
    }

    /// What was asked about.
    public enum Subject: Hashable, Sendable, CustomStringConvertible {
        /// A DNS name, normalized (lower case, no trailing dot).
        case name(String)
        /// An address literal.
        case address(IPAddress)

        /// Reads a host: an address literal (IPv6 possibly in brackets) or else a name.
        public init(_ host: String) {
            var literal = Substring(host)
            if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
            if let address = IPAddress(String(literal)) {
                self = .address(address)
            } else {
                self = .name(NameMatcher.normalized(host))
            }
        }

        /// The name, or the canonical address (IPv6 without brackets).
        public var description: String {
            switch self {
            case .name(let name): return name
            case .address(let address): return address.description
            }
        }
    }

    /// How a rule admits the host.
    public enum Match: String, Hashable, Sendable {
        /// A rule naming exactly this name.
        case exact
        /// A `*.domain` rule the name falls under.
        case wildcard
        /// A rule naming this address.
        case literal
    }

    /// A rule admitting the host and how.
    public struct MatchedRule: Hashable, Sendable {
        /// The rule, with its origin.
        public var rule: NetworkRule
        /// How it admits the host.
        public var match: Match
    }

    /// What was asked about.
    public var subject: Subject
    /// The port asked about; `nil` for any port.
    public var port: UInt16?
    /// The decision.
    public var decision: Decision
    /// The network mode it was decided under, with where it was set.
    public var mode: Sourced<NetworkPolicy.Mode>
    /// The rules admitting the host on `port` (on any port when `port` is `nil`): exact rules
    /// before wildcards, each group in policy order. Empty outside allowlist mode.
    public var rules: [MatchedRule] = []
    /// Rules admitting the host on other ports than `port`.
    public var otherPorts: [MatchedRule] = []
    /// For an address: why the rebinding guard keeps every *name* from opening it, if it does.
    public var guardRefusal: AddressRefusal?

    /// The rule deciding an allowed answer (the first of `rules`).
    public var rule: NetworkRule? { rules.first?.rule }

    /// The destination as asked: `host:port`, `[v6]:port`, or the host alone for any port.
    public var destination: String {
        guard let port else { return subject.description }
        if case .address(let address) = subject, address.family == .ipv6 { return "[\(address)]:\(port)" }
        return "\(subject):\(port)"
    }

    /// The answer as JSON (keys sorted when rendered): `decision`, `host`, `port` (or null),
    /// `kind` (`name`/`address`), `mode` with where it was set, `rules` and `other_ports`
    /// (each `rule`, `from`, `match`), and `guard` (the refusal, or null).
    public var jsonValue: JSONValue {
        func rules(_ list: [MatchedRule]) -> JSONValue {
            .array(
                list.map {
                    .object([
                        "rule": .string($0.rule.description), "from": .string($0.rule.origin.summary),
                        "match": .string($0.match.rawValue),
                    ])
                })
        }
        let kind: String
        switch subject {
        case .name: kind = "name"
        case .address: kind = "address"
        }
        return .object([
            "decision": .string(decision.rawValue),
            "host": .string(subject.description),
            "port": port.map { .integer(Int64($0)) } ?? .null,
            "kind": .string(kind),
            "mode": .object(["value": .string(mode.value.rawValue), "from": .string(mode.origin.summary)]),
            "rules": rules(self.rules),
            "other_ports": rules(otherPorts),
            "guard": guardRefusal.map { .string($0.rawValue) } ?? .null,
        ])
    }

    init(subject: Subject, port: UInt16?, decision: Decision, mode: Sourced<NetworkPolicy.Mode>) {
        self.subject = subject
        self.port = port
        self.decision = decision
        self.mode = mode
    }
}
