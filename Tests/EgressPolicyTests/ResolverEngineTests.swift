import EgressPolicy
import PolicyModel
import Testing

/// The resolver's decisions without sockets: what is refused at once (and never asked
/// upstream), what the upstream query carries, and what an upstream answer becomes (the reply,
/// the pins, the decision-log event).
@Suite struct ResolverEngineTests {
    // MARK: Fixtures

    static let agentID: UInt16 = 0x4242
    static let upstreamID: UInt16 = 0x9D17

    static let rules: [NetworkRule] = [
        NetworkRule(host: .wildcard("allowed.test"), port: 443, origin: .builtin),
        NetworkRule(host: .name("api.exact.test"), port: 443, origin: .builtin),
        NetworkRule(host: .name("api.exact.test"), port: 8443, origin: .builtin),
        NetworkRule(host: .wildcard("exact.test"), port: 22, origin: .builtin),
        NetworkRule(host: .wildcard("exact.test"), port: 443, origin: .builtin),
        NetworkRule(host: .wildcard("example.com"), port: 443, origin: .builtin),
        NetworkRule(host: .ipv4("192.0.2.99"), port: 443, origin: .builtin),
    ]

    /// An engine over `rules` with the real matcher and rebinding guard (host address 203.0.113.1).
    static func engine(
        extraTypes: Set<DNSRecordType> = [], pinSeconds: UInt32 = 300, graceSeconds: UInt32 = 30
    ) -> ResolverEngine {
        let matcher = NameMatcher(rules: rules)
        let guardrail = AddressGuard(hostAddresses: [address("203.0.113.1")], allowPrivate: [])
        return ResolverEngine(
            policy: .init(
                rulesForName: { name in
                    matcher.rules(for: name).map {
                        ResolverEngine.Rule(text: $0.description, origin: "test.toml:\($0.port)", port: $0.port)
                    }
                },
                refusalForAddress: { address in
                    if case .refused(let reason) = guardrail.verdict(for: address) { return reason.rawValue }
                    return nil
                },
                extraTypes: extraTypes, pinSeconds: pinSeconds, graceSeconds: graceSeconds))
    }

    static func address(_ text: String) -> IPAddress {
        guard let address = IPAddress(text) else { preconditionFailure("bad fixture \(text)") }
        return address
    }

    static func name(_ text: String) -> DNSName {
        guard let name = DNSName(text) else { preconditionFailure("bad fixture \(text)") }
        return name
    }

    /// The agent's query: one question, EDNS (1232 bytes, DO) and CD set, as a validating stub sends it.
    static func query(
        _ text: String, _ type: DNSRecordType, id: UInt16 = agentID, recordClass: UInt16 = 1
    ) -> [UInt8] {
        DNSMessage(
            id: id, checkingDisabled: true,
            questions: [DNSQuestion(name: name(text), type: type, recordClass: recordClass)],
            additionals: [
                DNSResourceRecord(name: name("."), type: .opt, recordClass: 1232, ttl: 0x8000, data: .other([]))
            ]
        ).serialized()
    }

    static func a(_ owner: String, _ text: String, ttl: UInt32 = 600) -> DNSResourceRecord {
        DNSResourceRecord(name: name(owner), type: .a, ttl: ttl, data: .a(address(text).bytes))
    }

    static func aaaa(_ owner: String, _ text: String, ttl: UInt32 = 600) -> DNSResourceRecord {
        DNSResourceRecord(name: name(owner), type: .aaaa, ttl: ttl, data: .aaaa(address(text).bytes))
    }

    static func cname(_ owner: String, _ target: String, ttl: UInt32 = 600) -> DNSResourceRecord {
        DNSResourceRecord(name: name(owner), type: .cname, ttl: ttl, data: .cname(name(target)))
    }

    /// What an upstream resolver answers to the forward's query.
    static func upstreamAnswer(
        _ forward: ResolverEngine.Forward, code: DNSResponseCode = .noError, _ records: [DNSResourceRecord]
    ) throws -> [UInt8] {
        DNSMessage.response(to: try DNSMessage.parse(forward.upstreamQuery), code: code, answers: records)
            .serialized()
    }

    static func forward(_ decision: ResolverEngine.Decision) -> ResolverEngine.Forward? {
        guard case .forward(let forward) = decision else { return nil }
        return forward
    }

    static func reply(_ decision: ResolverEngine.Decision) -> (bytes: [UInt8]?, event: ResolverEngine.Event)? {
        guard case .reply(let bytes, let event) = decision else { return nil }
        return (bytes, event)
    }

    /// The forward of an allowed query, failing the test when the engine did not forward it.
    static func forwarded(
        _ engine: ResolverEngine, _ text: String, _ type: DNSRecordType = .a
    ) throws -> ResolverEngine.Forward {
        try #require(forward(engine.decide(query(text, type), upstreamID: upstreamID)), "\(text) \(type)")
    }

    // MARK: Refusals

    @Test(arguments: [
        "evil.test", "allowed.test", "xallowed.test", "allowed.test.evil.test", "exact.test",
        "c2VjcmV0LXRva2Vu.exfil.evil.test", "api.exact.test.evil.test", "192.0.2.99",
    ])
    func refusedNamesNeverProduceAForward(_ text: String) throws {
        for type in [DNSRecordType.a, .aaaa, .txt, .any] {
            let decision = Self.engine(extraTypes: [.txt]).decide(Self.query(text, type), upstreamID: Self.upstreamID)
            let (bytes, event) = try #require(Self.reply(decision), "\(text) \(type) was forwarded")
            let reply = try DNSMessage.parse(try #require(bytes))
            #expect(reply.id == Self.agentID)
            #expect(reply.isResponse)
            #expect(reply.responseCode == .refused)
            #expect(reply.questions == [DNSQuestion(name: Self.name(text), type: type)])
            #expect(reply.answers.isEmpty && reply.authorities.isEmpty && reply.additionals.isEmpty)
            #expect(event.name == text.lowercased())
            #expect(event.type == type.description)
            #expect(!event.allowed)
            #expect(event.reason == "no-rule")
            #expect(event.rule == nil)
        }
    }

    @Test(arguments: [
        ("a.allowed.test", true), ("x.y.allowed.test", true), ("A.Allowed.TEST", true), ("allowed.test", false),
        ("notallowed.test", false), ("allowed.test.other", false),
    ])
    func aWildcardAdmitsSubNamesOnly(_ text: String, _ admitted: Bool) {
        let decision = Self.engine().decide(Self.query(text, .a), upstreamID: Self.upstreamID)
        #expect((Self.forward(decision) != nil) == admitted)
    }

    @Test func eventsCarryTheNormalizedName() throws {
        let forward = try Self.forwarded(Self.engine(), "WWW.Allowed.TEST.")
        let (_, _, event) = Self.engine().complete(forward, upstream: nil)
        #expect(event.name == "www.allowed.test")
        let (_, refused) = try #require(Self.reply(Self.engine().decide(Self.query("EVIL.Test", .a), upstreamID: 1)))
        #expect(refused.name == "evil.test")
    }

    @Test(arguments: [DNSRecordType.a, .aaaa, .cname])
    func addressTypesAndCNAMEAreForwarded(_ type: DNSRecordType) throws {
        let forward = try Self.forwarded(Self.engine(), "a.allowed.test", type)
        #expect(forward.question.type == type)
        #expect(forward.rules.map(\.text) == ["*.allowed.test:443"])
    }

    @Test(arguments: [DNSRecordType.txt, .mx, .ns, .srv, .https, .ptr, .null, DNSRecordType(rawValue: 99)])
    func otherTypesAreRefusedUnlessConfigured(_ type: DNSRecordType) throws {
        let decision = Self.engine().decide(Self.query("a.allowed.test", type), upstreamID: Self.upstreamID)
        let (bytes, event) = try #require(Self.reply(decision))
        #expect(try DNSMessage.parse(try #require(bytes)).responseCode == .refused)
        #expect(!event.allowed)
        #expect(event.reason == "type-not-allowed")
        #expect(event.rule?.text == "*.allowed.test:443")
        let configured = Self.engine(extraTypes: [type]).decide(
            Self.query("a.allowed.test", type), upstreamID: Self.upstreamID)
        #expect(Self.forward(configured) != nil)
    }

    @Test func anyIsRefusedEvenWhenConfigured() throws {
        let decision = Self.engine(extraTypes: [.any, .txt]).decide(
            Self.query("a.allowed.test", .any), upstreamID: Self.upstreamID)
        let (bytes, event) = try #require(Self.reply(decision))
        #expect(try DNSMessage.parse(try #require(bytes)).responseCode == .refused)
        #expect(event.reason == "type-not-allowed")
    }

    @Test(arguments: [UInt16(3), 4, 254, 255])
    func otherClassesAreRefused(_ recordClass: UInt16) throws {
        let decision = Self.engine().decide(
            Self.query("a.allowed.test", .a, recordClass: recordClass), upstreamID: Self.upstreamID)
        let (bytes, event) = try #require(Self.reply(decision))
        #expect(try DNSMessage.parse(try #require(bytes)).responseCode == .refused)
        #expect(event.reason == "class-not-allowed")
    }

    @Test(arguments: [UInt8(1), 2, 4, 5, 15])
    func opcodesOtherThanQueryGetNotImplemented(_ opcode: UInt8) throws {
        var message = try DNSMessage.parse(Self.query("a.allowed.test", .a))
        message.opcode = opcode
        let (bytes, event) = try #require(
            Self.reply(Self.engine().decide(message.serialized(), upstreamID: Self.upstreamID)))
        let reply = try DNSMessage.parse(try #require(bytes))
        #expect(reply.id == Self.agentID)
        #expect(reply.isResponse)
        #expect(reply.opcode == opcode)
        #expect(reply.responseCode == .notImplemented)
        #expect(!event.allowed)
        #expect(event.reason == "opcode-\(opcode)")
    }

    @Test(arguments: [0, 2, 3])
    func anythingButOneQuestionIsAFormatError(_ count: Int) throws {
        let questions = (0..<count).map { DNSQuestion(name: Self.name("q\($0).allowed.test"), type: .a) }
        let bytes = DNSMessage(id: Self.agentID, questions: questions).serialized()
        let (replyBytes, event) = try #require(Self.reply(Self.engine().decide(bytes, upstreamID: Self.upstreamID)))
        let reply = try DNSMessage.parse(try #require(replyBytes))
        #expect(reply.id == Self.agentID)
        #expect(reply.responseCode == .formatError)
        #expect(!event.allowed)
        #expect(event.reason == "question-count")
    }

    /// Bytes that do not parse: FORMERR under their id when they have a query's header, else no answer.
    @Test(arguments: [
        ([UInt8](), false),
        ([0x42, 0x42, 0x01], false),
        ([0x42, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00], false),
        // A header promising a question that is not there.
        ([0x42, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], true),
        // A name whose compression pointer points forward.
        (
            [
                0x42, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x20, 0x00, 0x01, 0x00,
                0x01,
            ], true
        ),
        // A label running past the end.
        ([0x42, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x61, 0x62], true),
        // The same, with QR set: never answered, so two resolvers cannot bounce errors.
        ([0x42, 0x42, 0x81, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x61, 0x62], false),
    ])
    func malformedBytesGetAFormatErrorOrNothing(_ bytes: [UInt8], _ answered: Bool) throws {
        let (replyBytes, event) = try #require(Self.reply(Self.engine().decide(bytes, upstreamID: Self.upstreamID)))
        #expect(!event.allowed)
        #expect(event.reason == "malformed")
        #expect(event.name.isEmpty)
        guard answered else {
            #expect(replyBytes == nil)
            return
        }
        let reply = try DNSMessage.parse(try #require(replyBytes))
        #expect(reply.id == Self.agentID)
        #expect(reply.isResponse)
        #expect(reply.responseCode == .formatError)
        #expect(reply.questions.isEmpty)
    }

    @Test func responsesAreDropped() throws {
        let response = DNSMessage.response(
            to: try DNSMessage.parse(Self.query("a.allowed.test", .a)), code: .noError,
            answers: [Self.a("a.allowed.test", "192.0.2.1")])
        let (bytes, event) = try #require(
            Self.reply(Self.engine().decide(response.serialized(), upstreamID: Self.upstreamID)))
        #expect(bytes == nil)
        #expect(!event.allowed)
        #expect(event.reason == "not-a-query")
    }

    // MARK: The upstream query

    @Test func theUpstreamQueryCarriesOnlyTheQuestionUnderTheUpstreamID() throws {
        // The agent's query with everything a hostile stub could add: EDNS options, CD, AD, an
        // answer and an authority record (data to smuggle out).
        var agent = try DNSMessage.parse(Self.query("Data.A.Allowed.Test", .aaaa))
        agent.authenticData = true
        agent.answers = [Self.a("smuggled.evil.test", "192.0.2.1")]
        agent.authorities = [Self.cname("x.evil.test", "y.evil.test")]
        agent.additionals = [
            DNSResourceRecord(
                name: Self.name("."), type: .opt, recordClass: 4096, ttl: 0x8000, data: .other([0, 10, 0, 2, 1, 2]))
        ]
        let forward = try #require(
            Self.forward(Self.engine().decide(agent.serialized(), upstreamID: Self.upstreamID)))
        let upstream = try DNSMessage.parse(forward.upstreamQuery)
        #expect(
            upstream
                == DNSMessage(
                    id: Self.upstreamID, recursionDesired: true,
                    questions: [DNSQuestion(name: Self.name("Data.A.Allowed.Test"), type: .aaaa)]))
        #expect(forward.upstreamQuery.count == 12 + Self.name("Data.A.Allowed.Test").wireLength + 4)
        #expect(forward.query.id == Self.agentID)
    }

    @Test func theUpstreamIDIsTheCallers() throws {
        for id in [UInt16(0), 1, Self.agentID, 0xFFFF] {
            let forward = try #require(
                Self.forward(Self.engine().decide(Self.query("a.allowed.test", .a), upstreamID: id)))
            #expect(try DNSMessage.parse(forward.upstreamQuery).id == id)
        }
    }

    // MARK: Completing a forward

    @Test func anAddressAnswerIsRepliedUnderTheAgentsIDAndPinned() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let upstream = try Self.upstreamAnswer(forward, [Self.a("www.allowed.test", "192.0.2.1", ttl: 600)])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.id == Self.agentID)
        #expect(reply.isResponse)
        #expect(reply.responseCode == .noError)
        #expect(reply.checkingDisabled)
        #expect(reply.questions == [DNSQuestion(name: Self.name("www.allowed.test"), type: .a)])
        #expect(reply.answers == [Self.a("www.allowed.test", "192.0.2.1", ttl: 600)])
        #expect(reply.additionals.isEmpty)
        #expect(pins == [.init(address: Self.address("192.0.2.1"), port: 443, seconds: 630)])
        #expect(event.allowed)
        #expect(event.reason == nil)
        #expect(event.rule?.text == "*.allowed.test:443")
        #expect(event.answers == [Self.address("192.0.2.1")])
        #expect(event.pinned == [.init(address: Self.address("192.0.2.1"), port: 443)])
        #expect(event.ttl == 600)
    }

    @Test func everyKeptAddressIsPinnedForEveryMatchingRulesPort() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "api.exact.test", .aaaa)
        // api.exact.test:443, api.exact.test:8443, *.exact.test:22, *.exact.test:443 (443 once).
        #expect(forward.rules.count == 4)
        let upstream = try Self.upstreamAnswer(
            forward, [Self.aaaa("api.exact.test", "2001:db8::1", ttl: 60), Self.aaaa("api.exact.test", "2001:db8::2")])
        let (_, pins, event) = engine.complete(forward, upstream: upstream)
        let expected = ["2001:db8::1", "2001:db8::2"].flatMap { text in
            [UInt16(22), 443, 8443].map { port in
                ResolverEngine.Pin(address: Self.address(text), port: port, seconds: text == "2001:db8::1" ? 330 : 630)
            }
        }
        #expect(pins == expected)
        #expect(event.pinned.count == 6)
        #expect(event.rule?.text == "api.exact.test:443")
        #expect(event.ttl == 60)
    }

    /// seconds = min(max(ttl, floor), 86400) + grace.
    @Test(arguments: [
        (UInt32(0), UInt32(300), UInt32(30), UInt32(330)),
        (299, 300, 30, 330),
        (301, 300, 30, 331),
        (86_399, 300, 0, 86_399),
        (86_401, 300, 30, 86_430),
        (UInt32.max, 300, 3600, 90_000),
        (5, 200_000, 30, 86_430),
    ])
    func pinLifetimesAreTheTTLWithinTheFloorAndADayPlusGrace(
        _ ttl: UInt32, _ floor: UInt32, _ grace: UInt32, _ seconds: UInt32
    ) throws {
        let engine = Self.engine(pinSeconds: floor, graceSeconds: grace)
        let forward = try Self.forwarded(engine, "a.allowed.test")
        let upstream = try Self.upstreamAnswer(forward, [Self.a("a.allowed.test", "198.51.100.7", ttl: ttl)])
        let (_, pins, _) = engine.complete(forward, upstream: upstream)
        #expect(pins.map(\.seconds) == [seconds])
    }

    /// A stub that caches an answer must not keep it after its pin expired: no returned record
    /// lives longer than the pins it made.
    @Test(arguments: [UInt32(60), 86_400, 604_800, UInt32.max])
    func noRecordOutlivesItsPin(_ ttl: UInt32) throws {
        let engine = Self.engine(graceSeconds: 0)
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let upstream = try Self.upstreamAnswer(
            forward,
            [Self.cname("www.allowed.test", "edge.cdn.test", ttl: ttl), Self.a("edge.cdn.test", "192.0.2.1", ttl: ttl)])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let shortest = try #require(pins.map(\.seconds).min())
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.answers.count == 2)
        for record in reply.answers { #expect(record.ttl <= shortest, "\(record.type) ttl \(record.ttl)") }
        #expect(try #require(event.ttl) <= shortest)
    }

    @Test func aCompressedCNAMEChainIsFollowedToItsAddresses() throws {
        // www.example.com CNAME cdn.example.com CNAME edge.net A 93.184.216.34, compressed.
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.example.com")
        var upstream = DNSTestMessages.cnameChainResponse
        upstream[0] = UInt8(Self.upstreamID >> 8)
        upstream[1] = UInt8(Self.upstreamID & 0xFF)
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.id == Self.agentID)
        // Every record carries the answer's shortest TTL: a CNAME never outlives its target.
        #expect(
            reply.answers == [
                Self.cname("www.example.com", "cdn.example.com", ttl: 60),
                Self.cname("cdn.example.com", "edge.net", ttl: 60), Self.a("edge.net", "93.184.216.34", ttl: 60),
            ])
        #expect(pins == [.init(address: Self.address("93.184.216.34"), port: 443, seconds: 330)])
        #expect(event.answers == [Self.address("93.184.216.34")])
        #expect(event.rule?.text == "*.example.com:443")
        #expect(event.ttl == 60)
    }

    @Test func addressesOfOtherOwnersAreIgnored() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let upstream = try Self.upstreamAnswer(
            forward,
            [
                Self.a("www.allowed.test", "192.0.2.1"),
                Self.a("other.evil.test", "198.51.100.66"),
                Self.aaaa("www.allowed.test", "2001:db8::9"),  // the wrong type for an A question
            ])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        #expect(try DNSMessage.parse(bytes).answers == [Self.a("www.allowed.test", "192.0.2.1")])
        #expect(pins.map(\.address) == [Self.address("192.0.2.1")])
        #expect(event.answers == [Self.address("192.0.2.1")])

        // Behind a CNAME only the chain's last name counts, not the question's own name.
        let chained = try Self.upstreamAnswer(
            forward,
            [
                Self.cname("www.allowed.test", "edge.cdn.test"), Self.a("www.allowed.test", "198.51.100.66"),
                Self.a("edge.cdn.test", "192.0.2.2"), Self.a("unrelated.test", "198.51.100.67"),
            ])
        let (chainedBytes, chainedPins, _) = engine.complete(forward, upstream: chained)
        #expect(
            try DNSMessage.parse(chainedBytes).answers == [
                Self.cname("www.allowed.test", "edge.cdn.test"), Self.a("edge.cdn.test", "192.0.2.2"),
            ])
        #expect(chainedPins.map(\.address) == [Self.address("192.0.2.2")])
    }

    @Test func aCNAMELoopEndsWithoutRepeatsOrPins() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "a.allowed.test")
        let upstream = try Self.upstreamAnswer(
            forward, [Self.cname("a.allowed.test", "b.loop.test"), Self.cname("b.loop.test", "a.allowed.test")])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let reply = try DNSMessage.parse(bytes)
        #expect(Set(reply.answers).count == reply.answers.count, "records repeated: \(reply.answers)")
        #expect(reply.answers.count <= 2)
        #expect(pins.isEmpty)
        #expect(event.answers.isEmpty)
    }

    @Test func aLongCNAMEChainIsCutAndPinsNothing() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "a.allowed.test")
        let names = ["a.allowed.test"] + (1...40).map { "hop\($0).chain.test" }
        var records = zip(names, names.dropFirst()).map { Self.cname($0, $1) }
        records.append(Self.a(names[names.count - 1], "192.0.2.1"))
        let (bytes, pins, _) = engine.complete(forward, upstream: try Self.upstreamAnswer(forward, records))
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.answers.count <= 16)
        #expect(reply.answers.allSatisfy { $0.type == .cname })
        #expect(pins.isEmpty)
    }

    @Test func guardRefusedAddressesAreRemoved() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let upstream = try Self.upstreamAnswer(
            forward,
            [
                Self.a("www.allowed.test", "127.0.0.1"), Self.a("www.allowed.test", "192.0.2.1"),
                Self.a("www.allowed.test", "203.0.113.1"),
            ])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        #expect(try DNSMessage.parse(bytes).answers == [Self.a("www.allowed.test", "192.0.2.1")])
        #expect(pins.map(\.address) == [Self.address("192.0.2.1")])
        #expect(event.allowed)
        #expect(event.reason == "rebinding:loopback (other addresses answered)")
        #expect(event.answers == [Self.address("192.0.2.1")])
    }

    @Test(arguments: [
        (["10.0.0.1", "169.254.169.254"], "rebinding:private"),
        (["169.254.169.254"], "rebinding:metadata"),
        (["203.0.113.1"], "rebinding:host"),
        (["0.0.0.0"], "rebinding:unspecified"),
    ])
    func anAnswerOfRefusedAddressesOnlyIsRefused(_ addresses: [String], _ reason: String) throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let upstream = try Self.upstreamAnswer(forward, addresses.map { Self.a("www.allowed.test", $0) })
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.id == Self.agentID)
        #expect(reply.responseCode == .refused)
        #expect(reply.answers.isEmpty)
        #expect(pins.isEmpty)
        #expect(!event.allowed)
        #expect(event.reason == reason)
        #expect(event.answers.isEmpty && event.pinned.isEmpty)
    }

    @Test(arguments: ["::1", "::ffff:127.0.0.1", "fe80::1", "fd00::1", "64:ff9b::a9fe:a9fe"])
    func ipv6FormsOfRefusedAddressesAreRefused(_ text: String) throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test", .aaaa)
        let (bytes, pins, event) = engine.complete(
            forward, upstream: try Self.upstreamAnswer(forward, [Self.aaaa("www.allowed.test", text)]))
        #expect(try DNSMessage.parse(bytes).responseCode == .refused)
        #expect(pins.isEmpty)
        #expect(event.reason?.hasPrefix("rebinding:") == true)
    }

    @Test func anUpstreamFailureIsAServerFailure() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "www.allowed.test")
        let wrongName = DNSMessage.response(
            to: DNSMessage(id: Self.upstreamID, questions: [DNSQuestion(name: Self.name("www.evil.test"), type: .a)]),
            code: .noError, answers: [Self.a("www.evil.test", "192.0.2.1")])
        let wrongType = DNSMessage.response(
            to: DNSMessage(
                id: Self.upstreamID, questions: [DNSQuestion(name: Self.name("www.allowed.test"), type: .aaaa)]),
            code: .noError, answers: [Self.aaaa("www.allowed.test", "2001:db8::1")])
        var twoQuestions = try DNSMessage.parse(
            try Self.upstreamAnswer(forward, [Self.a("www.allowed.test", "192.0.2.1")]))
        twoQuestions.questions.append(DNSQuestion(name: Self.name("x.allowed.test"), type: .a))
        var noQuestion = twoQuestions
        noQuestion.questions = []
        let cases: [(String, [UInt8]?)] = [
            ("nothing", nil),
            ("empty", []),
            ("garbage", [0x9D, 0x17, 0x81, 0x80, 0xFF]),
            ("the query itself", forward.upstreamQuery),
            ("another name", wrongName.serialized()),
            ("another type", wrongType.serialized()),
            ("two questions", twoQuestions.serialized()),
            ("no question", noQuestion.serialized()),
        ]
        for (label, upstream) in cases {
            let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
            let reply = try DNSMessage.parse(bytes)
            #expect(reply.id == Self.agentID, "\(label)")
            #expect(reply.responseCode == .serverFailure, "\(label)")
            #expect(reply.answers.isEmpty, "\(label)")
            #expect(pins.isEmpty, "\(label)")
            #expect(!event.allowed, "\(label)")
            #expect(event.reason == "upstream-failed", "\(label)")
        }
    }

    @Test func theQuestionsCaseDoesNotMatter() throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "WWW.allowed.test")
        let answer = DNSMessage.response(
            to: DNSMessage(
                id: Self.upstreamID, questions: [DNSQuestion(name: Self.name("www.ALLOWED.test"), type: .a)]),
            code: .noError, answers: [Self.a("Www.Allowed.Test", "192.0.2.1")])
        let (_, pins, event) = engine.complete(forward, upstream: answer.serialized())
        #expect(pins.map(\.address) == [Self.address("192.0.2.1")])
        #expect(event.allowed)
    }

    @Test(arguments: [DNSResponseCode.nameError, .serverFailure, .refused, .notImplemented])
    func errorCodesArePassedThrough(_ code: DNSResponseCode) throws {
        let engine = Self.engine()
        let forward = try Self.forwarded(engine, "gone.allowed.test")
        // An answer record in an error response is never relayed nor pinned.
        let upstream = try Self.upstreamAnswer(forward, code: code, [Self.a("gone.allowed.test", "192.0.2.1")])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.id == Self.agentID)
        #expect(reply.responseCode == code)
        #expect(reply.answers.isEmpty)
        #expect(pins.isEmpty)
        #expect(event.reason == code.description.lowercased())
        #expect(event.answers.isEmpty)
    }

    @Test func extraTypesAreRelayedAsTheyCameUnderTheAgentsID() throws {
        let engine = Self.engine(extraTypes: [.txt])
        let forward = try Self.forwarded(engine, "a.allowed.test", .txt)
        let text: [UInt8] = [5] + Array("hello".utf8)
        let upstream = try Self.upstreamAnswer(
            forward,
            [
                DNSResourceRecord(name: Self.name("a.allowed.test"), type: .txt, ttl: 77, data: .other(text)),
                // Glue an extra type's answer may carry is relayed, never pinned.
                Self.a("a.allowed.test", "192.0.2.1"),
            ])
        let (bytes, pins, event) = engine.complete(forward, upstream: upstream)
        #expect(Array(bytes[2...]) == Array(upstream[2...]))
        #expect(UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == Self.agentID)
        #expect(pins.isEmpty)
        #expect(event.allowed)
        #expect(event.ttl == 77)
        #expect(event.pinned.isEmpty)
    }

    // MARK: Events in the decision log

    @Test func eventsRoundTripThroughTheDecisionLog() throws {
        let engine = Self.engine()
        var events: [ResolverEngine.Event] = []
        events.append(try #require(Self.reply(engine.decide(Self.query("evil.test", .txt), upstreamID: 1))).event)
        events.append(try #require(Self.reply(engine.decide([1, 2, 3], upstreamID: 1))).event)
        let forward = try Self.forwarded(engine, "api.exact.test")
        for records in [
            [Self.a("api.exact.test", "192.0.2.1"), Self.a("api.exact.test", "127.0.0.1")],
            [Self.a("api.exact.test", "10.1.2.3")],
        ] {
            events.append(engine.complete(forward, upstream: try Self.upstreamAnswer(forward, records)).event)
        }
        events.append(engine.complete(forward, upstream: try Self.upstreamAnswer(forward, code: .nameError, [])).event)
        events.append(engine.complete(forward, upstream: nil).event)
        #expect(events.count == 6)
        for (index, event) in events.enumerated() {
            let record = event.record(
                time: "2026-01-02T03:04:0\(index)Z", transport: index.isMultiple(of: 2) ? .udp : .tcp)
            #expect(try DecisionRecord(jsonLine: record.jsonLine) == record)
            guard case .dns(let query) = record else {
                Issue.record("not a DNS record: \(record)")
                continue
            }
            #expect(query.name == event.name)
            #expect(query.type == event.type)
            #expect(query.decision == (event.allowed ? .allow : .deny))
            #expect(query.reason?.description == event.reason)
            #expect(query.rule == event.rule?.text)
            #expect(query.ruleOrigin == event.rule?.origin)
            #expect(query.answers == event.answers)
            #expect(query.pinned == event.pinned)
            #expect(query.ttl == event.ttl)
        }
        guard case .dns(let pinned) = events[2].record(time: "t", transport: .udp) else { return }
        #expect(pinned.pinned.map(\.description) == ["192.0.2.1:22", "192.0.2.1:443", "192.0.2.1:8443"])
        #expect(pinned.rule == "api.exact.test:443")
        #expect(pinned.ruleOrigin == "test.toml:443")
        guard case .dns(let rebinding) = events[3].record(time: "t", transport: .udp) else { return }
        #expect(rebinding.reason == .rebinding(.private))
        #expect(rebinding.decision == .deny)
    }
}
