import Diagnostics
import PolicyModel

/// One line of a session's decision log (JSON Lines): a DNS decision of the session's resolver,
/// a count of connections the fence saw, or a session start/end marker.
///
/// INVARIANT: a record holds names, record types, addresses, ports, rules and their origins,
/// never a credential, an environment value or packet payload, so the log can be shown and
/// shared as it is. Times are RFC 3339 UTC strings passed in by the caller (this library reads
/// no clock).
public enum DecisionRecord: Hashable, Sendable {
    /// A query the resolver answered or refused.
    case dns(Query)
    /// Connections to one destination.
    case connection(Connection)
    /// The session started or ended.
    case session(SessionEvent)

    /// What the resolver did with one query.
    public struct Query: Hashable, Sendable {
        /// When, RFC 3339 UTC (`2026-01-02T03:04:05Z`).
        public var time: String
        /// The queried name, normalized (lower case, no trailing dot).
        public var name: String
        /// The record type's mnemonic (`A`, `AAAA`, `TXT`) or `TYPE<n>`.
        public var type: String
        /// How the query arrived.
        public var transport: Transport
        /// Answered or refused.
        public var decision: Decision
        /// Why, when refused or only partly answered.
        public var reason: Reason?
        /// The rule that admitted the name, as written (`*.x.test:443`).
        public var rule: String?
        /// Where that rule was written (`.mino.toml:3:18`, `preset dev`, `--network-allow`).
        public var ruleOrigin: String?
        /// The addresses the answer held.
        public var answers: [IPAddress]
        /// The destinations pinned open in the fence because of this answer.
        public var pinned: [Pinned]
        /// The lifetime of the pins, in seconds.
        public var ttl: UInt32?

        /// Creates a query record; `rule` fills `rule` and `ruleOrigin` from a matched rule.
        public init(
            time: String, name: String, type: String, transport: Transport, decision: Decision, reason: Reason? = nil,
            rule: NetworkRule? = nil, answers: [IPAddress] = [], pinned: [Pinned] = [], ttl: UInt32? = nil
        ) {
            self.init(
                time: time, name: name, type: type, transport: transport, decision: decision, reason: reason,
                ruleText: rule?.description, ruleOrigin: rule?.origin.summary, answers: answers, pinned: pinned,
                ttl: ttl)
        }

        /// Creates a query record with the rule as text (what a decoded line holds).
        public init(
            time: String, name: String, type: String, transport: Transport, decision: Decision, reason: Reason?,
            ruleText: String?, ruleOrigin: String?, answers: [IPAddress], pinned: [Pinned], ttl: UInt32?
        ) {
            self.time = time
            self.name = name
            self.type = type
            self.transport = transport
            self.decision = decision
            self.reason = reason
            self.rule = ruleText
            self.ruleOrigin = ruleOrigin
            self.answers = answers
            self.pinned = pinned
            self.ttl = ttl
        }
    }

    /// How many connections went to one destination.
    public struct Connection: Hashable, Sendable {
        /// When, RFC 3339 UTC.
        public var time: String
        /// The destination address or name.
        public var destination: String
        /// The destination port, when the protocol has one.
        public var port: UInt16?
        /// The protocol: `tcp`, `udp`, `icmp`, …
        public var protocolName: String
        /// How many connections.
        public var count: Int

        /// Creates a connection record.
        public init(time: String, destination: String, port: UInt16?, protocolName: String, count: Int) {
            self.time = time
            self.destination = destination
            self.port = port
            self.protocolName = protocolName
            self.count = count
        }
    }

    /// A session start or end marker.
    public struct SessionEvent: Hashable, Sendable {
        /// Start or end.
        public enum Event: String, Hashable, Sendable {
            /// The session's resolver started answering.
            case start
            /// The session ended.
            case end
        }

        /// When, RFC 3339 UTC.
        public var time: String
        /// Start or end.
        public var event: Event
        /// The session's name.
        public var session: String

        /// Creates a marker.
        public init(time: String, event: Event, session: String) {
            self.time = time
            self.event = event
            self.session = session
        }
    }

    /// The transport a query arrived over.
    public enum Transport: String, Hashable, Sendable {
        /// UDP.
        case udp
        /// TCP.
        case tcp
    }

    /// Whether the resolver answered.
    public enum Decision: String, Hashable, Sendable {
        /// Answered (and pinned what it answered).
        case allow
        /// Refused; nothing was sent upstream unless the reason says so.
        case deny
    }

    /// A destination pinned open: an address and a rule's port.
    public struct Pinned: Hashable, Sendable, CustomStringConvertible {
        /// The answered address.
        public var address: IPAddress
        /// The port of the rule that admitted the name.
        public var port: UInt16

        /// Creates a pin.
        public init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }

        /// `192.0.2.1:443`, `[2001:db8::1]:443`.
        public var description: String {
            address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }

        /// Parses the `description` form; `nil` for anything else.
        public init?(_ text: String) {
            let address: IPAddress?
            let portText: Substring
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                address = IPAddress(String(text[text.index(after: text.startIndex)..<close]), family: .ipv6)
                let rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            } else if let colon = text.lastIndex(of: ":") {
                address = IPAddress(String(text[..<colon]), family: .ipv4)
                portText = text[text.index(after: colon)...]
            } else {
                return nil
            }
            guard let address, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let port = UInt16(portText),
                port > 0
            else { return nil }
            self.init(address: address, port: port)
        }
    }

    /// Why a query was refused (or an answer trimmed). The description is the log's spelling.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// No rule admits the name (`no-rule`).
        case noRule
        /// The name is allowed but the record type is not forwarded (`type-not-allowed`).
        case typeNotAllowed
        /// The answer held an address no name may open (`rebinding:loopback`, …).
        case rebinding(AddressRefusal)
        /// No upstream resolver answered (`upstream-failed`).
        case upstreamFailed
        /// The query could not be parsed (`malformed`).
        case malformed
        /// A reason this build does not know, kept as written.
        case other(String)

        /// Reads the log's spelling; unknown text becomes `.other`.
        public init(_ text: String) {
            switch text {
            case "no-rule": self = .noRule
            case "type-not-allowed": self = .typeNotAllowed
            case "upstream-failed": self = .upstreamFailed
            case "malformed": self = .malformed
            default:
                if text.hasPrefix("rebinding:"), let refusal = AddressRefusal(rawValue: String(text.dropFirst(10))) {
                    self = .rebinding(refusal)
                } else {
                    self = .other(text)
                }
            }
        }

        /// `no-rule`, `type-not-allowed`, `rebinding:<refusal>`, `upstream-failed`, `malformed`.
        public var description: String {
            switch self {
            case .noRule: return "no-rule"
            case .typeNotAllowed: return "type-not-allowed"
            case .rebinding(let refusal): return "rebinding:\(refusal.rawValue)"
            case .upstreamFailed: return "upstream-failed"
            case .malformed: return "malformed"
            case .other(let text): return text
            }
        }
    }

    /// When the record was written.
    public var time: String {
        switch self {
        case .dns(let query): return query.time
        case .connection(let connection): return connection.time
        case .session(let event): return event.time
        }
    }
}

extension DecisionRecord {
    /// The record as one JSON object: keys sorted, absent optional fields left out, arrays
    /// always present for DNS records.
    public var jsonValue: JSONValue {
        var object = [String: JSONValue]()
        switch self {
        case .dns(let query):
            object["kind"] = .string("dns")
            object["time"] = .string(query.time)
            object["name"] = .string(query.name)
            object["type"] = .string(query.type)
            object["transport"] = .string(query.transport.rawValue)
            object["decision"] = .string(query.decision.rawValue)
            if let reason = query.reason { object["reason"] = .string(reason.description) }
            if let rule = query.rule { object["rule"] = .string(rule) }
            if let origin = query.ruleOrigin { object["origin"] = .string(origin) }
            object["answers"] = .array(query.answers.map { .string($0.description) })
            object["pinned"] = .array(query.pinned.map { .string($0.description) })
            if let ttl = query.ttl { object["ttl"] = .integer(Int64(ttl)) }
        case .connection(let connection):
            object["kind"] = .string("connection")
            object["time"] = .string(connection.time)
            object["destination"] = .string(connection.destination)
            if let port = connection.port { object["port"] = .integer(Int64(port)) }
            object["protocol"] = .string(connection.protocolName)
            object["count"] = .integer(Int64(connection.count))
        case .session(let event):
            object["kind"] = .string("session")
            object["time"] = .string(event.time)
            object["event"] = .string(event.event.rawValue)
            object["session"] = .string(event.session)
        }
        return .object(object)
    }

    /// The record as one line of JSON, without the newline: control characters in any value
    /// are escaped, so a record never spans lines.
    public var jsonLine: String { jsonValue.rendered() }
}
