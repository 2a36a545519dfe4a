import PolicyModel

/// The decisions of a session resolver, without I/O: which queries are refused at once, which
/// are asked upstream (only the question, never the agent's bytes), what an upstream answer
/// becomes (the CNAME chain, addresses the rebinding guard lets through), and which addresses
/// are pinned for which ports and how long.
///
/// Names outside the policy never produce an upstream query: that is the guarantee against
/// exfiltration through DNS labels.
public struct ResolverEngine: Sendable {
    /// One allow rule, as the resolver reports it.
    public struct Rule: Hashable, Sendable {
        /// The rule as written (`*.example.com:443`).
        public var text: String
        /// Where it was written (`.mino.toml:3:18`).
        public var origin: String
        /// The TCP port its answers are pinned for.
        public var port: UInt16

        /// Creates a value from its parts.
        public init(text: String, origin: String, port: UInt16) {
            self.text = text
            self.origin = origin
            self.port = port
        }
    }

    /// An address opened for a port for some seconds.
    public struct Pin: Hashable, Sendable {
        /// The address.
        public var address: IPAddress
        /// The TCP port.
        public var port: UInt16
        /// How long it stays open, in seconds.
        public var seconds: UInt32

        /// Creates a value from its parts.
        public init(address: IPAddress, port: UInt16, seconds: UInt32) {
            self.address = address
            self.port = port
            self.seconds = seconds
        }
    }

    /// What the engine was told about the policy.
    public struct Policy: Sendable {
        /// The rules matching a normalized name (exact and `*.domain`), in policy order.
        public var rulesForName: @Sendable (String) -> [Rule]
        /// Why an answered address may not be opened by a name (`loopback`, `metadata`, …), or
        /// `nil` when it may.
        public var refusalForAddress: @Sendable (IPAddress) -> String?
        /// Record types forwarded for allowed names besides A, AAAA and CNAME.
        public var extraTypes: Set<DNSRecordType>
        /// The shortest pin lifetime.
        public var pinSeconds: UInt32
        /// Added to every pin.
        public var graceSeconds: UInt32

        /// Creates a value from its parts.
        public init(
            rulesForName: @escaping @Sendable (String) -> [Rule],
            refusalForAddress: @escaping @Sendable (IPAddress) -> String?, extraTypes: Set<DNSRecordType>,
            pinSeconds: UInt32, graceSeconds: UInt32
        ) {
            self.rulesForName = rulesForName
            self.refusalForAddress = refusalForAddress
            self.extraTypes = extraTypes
            self.pinSeconds = pinSeconds
            self.graceSeconds = graceSeconds
        }
    }

    /// One decision, for the session's decision log (never a secret: names, types, rules,
    /// addresses).
    public struct Event: Hashable, Sendable {
        /// The queried name (normalized), empty for a malformed query.
        public var name: String
        /// The queried type (`A`, `TXT`, `TYPE99`).
        public var type: String
        /// `allow` or `deny`.
        public var allowed: Bool
        /// Why (`no-rule`, `type-not-allowed`, `rebinding:loopback`, `upstream-failed`,
        /// `malformed`, `nxdomain`…), `nil` for a plain answer.
        public var reason: String?

        /// The decision-log record of this event at `time`, received over `transport`.
        public func record(time: String, transport: DecisionRecord.Transport) -> DecisionRecord {
            .dns(
                DecisionRecord.Query(
                    time: time, name: name, type: type, transport: transport, decision: allowed ? .allow : .deny,
                    reason: reason.map(DecisionRecord.Reason.init), ruleText: rule?.text, ruleOrigin: rule?.origin,
                    answers: answers, pinned: pinned, ttl: ttl))
        }
        /// The first matching rule, if any.
        public var rule: Rule?
        /// The addresses returned to the agent.
        public var answers: [IPAddress] = []
        /// What was pinned.
        public var pinned: [DecisionRecord.Pinned] = []
        /// The smallest TTL of the returned records.
        public var ttl: UInt32?
    }

    /// What to do with a query.
    public enum Decision: Sendable {
        /// Send these bytes (a refusal, an error), or nothing when `nil`.
        case reply([UInt8]?, Event)
        /// Ask upstream, then `complete`.
        case forward(Forward)
    }

    /// A query on its way upstream.
    public struct Forward: Sendable {
        /// The agent's query.
        public let query: DNSMessage
        /// Its one question.
        public let question: DNSQuestion
        /// The rules that allow the name.
        public let rules: [Rule]
        /// The bytes to send upstream: the question alone, under the caller's upstream id.
        public let upstreamQuery: [UInt8]
    }

    /// The policy.
    public let policy: Policy

    /// Creates an engine.
    public init(policy: Policy) {
        self.policy = policy
    }

    /// The first decision about `bytes`; `upstreamID` is the id the upstream query carries
    /// (random, chosen by the caller).
    public func decide(_ bytes: [UInt8], upstreamID: UInt16) -> Decision {
        let message: DNSMessage
        do {
            message = try DNSMessage.parse(bytes)
        } catch {
            return .reply(
                DNSMessage.formatErrorReply(to: bytes), Event(name: "", type: "", allowed: false, reason: "malformed"))
        }
        guard !message.isResponse else {
            return .reply(nil, Event(name: "", type: "", allowed: false, reason: "not-a-query"))
        }
        guard message.opcode == 0 else {
            return .reply(
                DNSMessage.response(to: message, code: .notImplemented).serialized(),
                Event(name: "", type: "", allowed: false, reason: "opcode-\(message.opcode)"))
        }
        guard message.questions.count == 1, let question = message.questions.first else {
            return .reply(
                DNSMessage.response(to: message, code: .formatError).serialized(),
                Event(name: "", type: "", allowed: false, reason: "question-count"))
        }
        let name = question.name.normalized
        let type = question.type
        func refuse(_ reason: String, _ rule: Rule? = nil) -> Decision {
            .reply(
                DNSMessage.response(to: message, code: .refused).serialized(),
                Event(name: name, type: type.description, allowed: false, reason: reason, rule: rule))
        }
        let rules = policy.rulesForName(name)
        guard let first = rules.first else { return refuse("no-rule") }
        guard question.recordClass == DNSResourceRecord.internetClass else { return refuse("class-not-allowed", first) }
        guard type == .a || type == .aaaa || type == .cname || policy.extraTypes.contains(type), type != .any else {
            return refuse("type-not-allowed", first)
        }
        let upstream = DNSMessage(
            id: upstreamID, recursionDesired: true, questions: [DNSQuestion(name: question.name, type: type)])
        return .forward(
            Forward(query: message, question: question, rules: rules, upstreamQuery: upstream.serialized()))
    }

    /// The reply to a forwarded query from the upstream answer (`nil`: none came), the pins to
    /// make before sending it, and the event.
    public func complete(_ forward: Forward, upstream: [UInt8]?) -> (reply: [UInt8], pins: [Pin], event: Event) {
        let query = forward.query
        let question = forward.question
        var event = Event(
            name: question.name.normalized, type: question.type.description, allowed: true, rule: forward.rules.first)
        func failure(_ reason: String) -> (reply: [UInt8], pins: [Pin], event: Event) {
            event.allowed = false
            event.reason = reason
            return (DNSMessage.response(to: query, code: .serverFailure).serialized(), [], event)
        }
        guard let upstream, let answer = try? DNSMessage.parse(upstream), answer.isResponse,
            answer.questions.count == 1, answer.questions[0].type == question.type,
            answer.questions[0].name.normalized == question.name.normalized
        else { return failure("upstream-failed") }
        guard answer.responseCode == .noError else {
            event.reason = answer.responseCode.description.lowercased()
            return (DNSMessage.response(to: query, code: answer.responseCode).serialized(), [], event)
        }
        if question.type != .a, question.type != .aaaa, question.type != .cname {
            // An extra type the policy forwards: the upstream answer as it came, under the
            // agent's id (its records may hold compressed names, so the bytes are not rebuilt).
            var bytes = upstream
            bytes[0] = UInt8(query.id >> 8)
            bytes[1] = UInt8(query.id & 0xff)
            event.ttl = answer.answers.map(\.ttl).min()
            return (bytes, [], event)
        }
        // Follow the CNAME chain from the question (bounded, never back to a name already on
        // it), then take the addresses of the last name of the chain.
        var chain: [DNSResourceRecord] = []
        var current = question.name.normalized
        var visited: Set<String> = [current]
        for _ in 0..<16 {
            guard
                let link = answer.answers.first(where: {
                    $0.type == .cname && $0.name.normalized == current
                }), case .cname(let target) = link.data, visited.insert(target.normalized).inserted
            else { break }
            chain.append(link)
            current = target.normalized
        }
        var kept: [DNSResourceRecord] = []
        var refusals: [String] = []
        for record in answer.answers where record.name.normalized == current && record.type == question.type {
            let address: IPAddress?
            switch record.data {
            case .a(let bytes), .aaaa(let bytes): address = IPAddress(bytes: bytes)
            default: address = nil
            }
            guard let address else { continue }
            if let refusal = policy.refusalForAddress(address) {
                refusals.append("rebinding:" + refusal)
                continue
            }
            kept.append(record)
            event.answers.append(address)
        }
        if kept.isEmpty, let refusal = refusals.first {
            event.allowed = false
            event.reason = refusal
            return (DNSMessage.response(to: query, code: .refused).serialized(), [], event)
        }
        if !refusals.isEmpty { event.reason = refusals[0] + " (other addresses answered)" }
        // Every record is cached for the answer's shortest TTL, at most a day (the longest pin):
        // otherwise the agent could keep an address its fence no longer opens, or a CNAME whose
        // target it would then ask for by a name no rule allows.
        let shortest = min((chain + kept).map(\.ttl).min() ?? 0, 86_400)
        let records = (chain + kept).map { record in
            var record = record
            record.ttl = shortest
            return record
        }
        let ttl = records.map(\.ttl).min()
        event.ttl = ttl
        var pins: [Pin] = []
        for record in kept {
            let address: IPAddress?
            switch record.data {
            case .a(let bytes), .aaaa(let bytes): address = IPAddress(bytes: bytes)
            default: address = nil
            }
            guard let address else { continue }
            let seconds = min(max(record.ttl, policy.pinSeconds), 86_400) + policy.graceSeconds
            for port in Set(forward.rules.map(\.port)).sorted() {
                pins.append(Pin(address: address, port: port, seconds: seconds))
                event.pinned.append(DecisionRecord.Pinned(address: address, port: port))
            }
        }
        return (DNSMessage.response(to: query, code: .noError, answers: records).serialized(), pins, event)
    }
}
