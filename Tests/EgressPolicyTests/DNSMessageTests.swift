import EgressPolicy
import Testing

@Suite struct DNSMessageTests {
    typealias Bytes = DNSTestMessages

    @Test func capturedQueryParses() throws {
        let query = try DNSMessage.parse(Bytes.exampleQuery)
        #expect(query.id == 0x1234)
        #expect(!query.isResponse && query.opcode == 0 && query.recursionDesired && query.authenticData)
        #expect(!query.isAuthoritative && !query.isTruncated && !query.recursionAvailable && !query.checkingDisabled)
        #expect(query.responseCode == .noError)
        #expect(query.questions == [DNSQuestion(name: try Bytes.name("example.com"), type: .a)])
        #expect(query.answers.isEmpty && query.authorities.isEmpty)
        let opt = try #require(query.additionals.first)
        #expect(query.additionals.count == 1)
        #expect(opt.name.labels.isEmpty && opt.type == .opt && opt.recordClass == 1232 && opt.ttl == 0)
        #expect(opt.data == .other([0x00, 0x0A, 0x00, 0x08, 0x8A, 0x1F, 0x3B, 0x52, 0x09, 0x6C, 0xE1, 0x47]))
    }

    @Test func capturedQueryIsWrittenBackByteForByte() throws {
        #expect(try DNSMessage.parse(Bytes.exampleQuery).serialized() == Bytes.exampleQuery)
    }

    @Test func compressedCNAMEChainDecompresses() throws {
        let response = try DNSMessage.parse(Bytes.cnameChainResponse)
        #expect(response.isResponse && response.recursionDesired && response.recursionAvailable)
        #expect(response.questions.map(\.name.description) == ["www.example.com"])
        #expect(response.answers.map(\.name.description) == ["www.example.com", "cdn.example.com", "edge.net"])
        #expect(response.answers.map(\.type) == [.cname, .cname, .a])
        #expect(response.answers.map(\.ttl) == [3600, 3600, 60])
        #expect(
            response.answers.map(\.data) == [
                .cname(try Bytes.name("cdn.example.com")), .cname(try Bytes.name("edge.net")),
                .a([93, 184, 216, 34]),
            ])
    }

    @Test func decompressedResponseRoundTripsUncompressed() throws {
        let response = try DNSMessage.parse(Bytes.cnameChainResponse)
        let written = response.serialized()
        #expect(written.count == 12 + 21 + (17 + 10 + 17) + (17 + 10 + 10) + (10 + 10 + 4))
        #expect(try DNSMessage.parse(written) == response)
    }

    @Test func aaaaAndOptRecordsParse() throws {
        let response = try DNSMessage.parse(Bytes.aaaaResponse)
        #expect(response.id == 0xABCD)
        let answer = try #require(response.answers.first)
        #expect(answer.type == .aaaa && answer.name.description == "a.io")
        #expect(answer.data == .aaaa([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(response.additionals.map(\.type) == [.opt])
        #expect(response.additionals.first?.ttl == 0x8000)
        #expect(response.additionals.first?.recordClass == 4096)
        #expect(try DNSMessage.parse(response.serialized()) == response)
    }

    @Test func compressedNamesInOtherRDATAAreKeptAsReceived() throws {
        let referral = try DNSMessage.parse(Bytes.referral)
        let ns = try #require(referral.authorities.first)
        #expect(ns.type == .ns && ns.name.description == "org")
        #expect(ns.data == .other(Bytes.label("ns1") + [0xC0, 0x0C]))
    }

    @Test func addressTypesOutsideClassINStayUndecoded() throws {
        let chaos = Bytes.wire(
            Bytes.header(counts: [0, 1, 0, 0]), [0x00, 0x00, 0x01, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0x03, 1, 2, 3])
        #expect(try DNSMessage.parse(chaos).answers.first?.data == .other([1, 2, 3]))
    }

    @Test func trailingBytesAreIgnored() throws {
        let padded = Bytes.exampleQuery + [0xDE, 0xAD, 0xBE, 0xEF]
        #expect(try DNSMessage.parse(padded) == (try DNSMessage.parse(Bytes.exampleQuery)))
    }

    @Test func builtMessagesRoundTrip() throws {
        let www = try Bytes.name("WWW.Example.com")
        let message = DNSMessage(
            id: 0xFFFF, isResponse: true, opcode: 15, isAuthoritative: true, isTruncated: true,
            recursionDesired: false, recursionAvailable: true, authenticData: true, checkingDisabled: true,
            responseCode: try #require(DNSResponseCode(rawValue: 11)),
            questions: [DNSQuestion(name: www, type: .https), DNSQuestion(name: try Bytes.name("."), type: .any)],
            answers: [
                DNSResourceRecord(name: www, type: .cname, ttl: 0, data: .cname(try Bytes.name("b"))),
                DNSResourceRecord(name: try Bytes.name("b"), type: .a, ttl: .max, data: .a([10, 0, 0, 1])),
                DNSResourceRecord(name: try Bytes.name("b"), type: .aaaa, ttl: 7, data: .aaaa(Array(0..<16))),
            ],
            authorities: [DNSResourceRecord(name: www, type: .txt, recordClass: 3, ttl: 1, data: .other([]))],
            additionals: [
                DNSResourceRecord(name: try Bytes.name(""), type: .opt, recordClass: 512, ttl: 0, data: .other([]))
            ])
        let written = message.serialized()
        #expect(try DNSMessage.parse(written) == message)
        #expect(written[2] == 0xFE && written[3] == 0xBB)
    }

    @Test func defaultMessageIsARecursiveQuery() throws {
        let query = DNSMessage(id: 7, questions: [DNSQuestion(name: try Bytes.name("example.com"), type: .aaaa)])
        #expect(
            query.serialized()
                == Bytes.wire(
                    [0x00, 0x07, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
                    Bytes.label("example"), Bytes.label("com"), [0x00, 0x00, 0x1C, 0x00, 0x01]))
    }

    @Test func responseCopiesIdOpcodeRDAndQuestions() throws {
        let query = try DNSMessage.parse(Bytes.exampleQuery)
        let answer = DNSResourceRecord(name: try Bytes.name("example.com"), type: .a, ttl: 30, data: .a([1, 2, 3, 4]))
        let response = DNSMessage.response(to: query, code: .noError, answers: [answer])
        #expect(response.id == 0x1234 && response.isResponse && response.opcode == 0)
        #expect(response.recursionDesired && response.recursionAvailable && !response.authenticData)
        #expect(response.questions == query.questions && response.answers == [answer])
        #expect(response.authorities.isEmpty && response.additionals.isEmpty)
        let refused = DNSMessage.response(to: DNSMessage(id: 9, opcode: 2, recursionDesired: false), code: .refused)
        #expect(refused.opcode == 2 && !refused.recursionDesired && refused.responseCode == .refused)
        #expect(refused.answers.isEmpty)
        #expect(try DNSMessage.parse(refused.serialized()) == refused)
    }

    @Test func formatErrorReplyCarriesTheQueryId() throws {
        var garbage = Bytes.header(flags: [0x09, 0x00], counts: [1, 0, 0, 0]) + [0xC0, 0x0C, 0, 1, 0, 1]
        garbage[0] = 0xBE
        garbage[1] = 0xEF
        #expect(throws: DNSParseError.pointerLoop) { try DNSMessage.parse(garbage) }
        let reply = try #require(DNSMessage.formatErrorReply(to: garbage))
        #expect(reply == [0xBE, 0xEF, 0x89, 0x81, 0, 0, 0, 0, 0, 0, 0, 0])
        let parsed = try DNSMessage.parse(reply)
        #expect(parsed.id == 0xBEEF && parsed.isResponse && parsed.opcode == 1 && parsed.recursionDesired)
        #expect(parsed.responseCode == .formatError && parsed.questions.isEmpty)
    }

    @Test func formatErrorReplyDropsShortPacketsAndResponses() {
        #expect(DNSMessage.formatErrorReply(to: []) == nil)
        #expect(DNSMessage.formatErrorReply(to: Array(repeating: 0, count: 11)) == nil)
        #expect(DNSMessage.formatErrorReply(to: Array(repeating: 0, count: 12)) != nil)
        #expect(DNSMessage.formatErrorReply(to: Bytes.cnameChainResponse) == nil)
        #expect(DNSMessage.formatErrorReply(to: [0, 1, 0x80] + Array(repeating: 0xFF, count: 40)) == nil)
    }
}
