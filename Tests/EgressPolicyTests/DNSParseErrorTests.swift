import EgressPolicy
import Testing

@Suite struct DNSParseErrorTests {
    typealias Bytes = DNSTestMessages

    /// A query header for one question, then `name` and type A, class IN.
    func query(name: [UInt8]) -> [UInt8] {
        Bytes.wire(Bytes.header(counts: [1, 0, 0, 0]), name, [0x00, 0x01, 0x00, 0x01])
    }

    /// A response with no question and one A record: `name`, then the fixed fields and `rdata`
    /// (whose length field says `length`, by default its real length).
    func response(type: DNSRecordType = .a, name: [UInt8] = [0], rdata: [UInt8], length: Int? = nil) -> [UInt8] {
        let length = length ?? rdata.count
        return Bytes.wire(
            Bytes.header(flags: [0x81, 0x80], counts: [0, 1, 0, 0]), name,
            [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0x00, 0x01, 0, 0, 0, 60],
            [UInt8(length >> 8), UInt8(length & 0xFF)], rdata)
    }

    @Test func pointerToItselfIsALoop() {
        #expect(throws: DNSParseError.pointerLoop) { try DNSMessage.parse(query(name: [0xC0, 0x0C])) }
    }

    @Test func pointerBackIntoItsOwnLabelsIsALoop() {
        // a.<12>: the pointer targets the start of the name it ends.
        #expect(throws: DNSParseError.pointerLoop) { try DNSMessage.parse(query(name: [0x01, 0x61, 0xC0, 0x0C])) }
        // The second record's name jumps into the first record's RDATA, `a.<pointer>`: reached
        // that way, the pointer may only go before the RDATA, never back to its start.
        func twoRecords(rdata: [UInt8]) -> [UInt8] {
            Bytes.wire(
                Bytes.header(flags: [0x81, 0x80], counts: [0, 2, 0, 0]),
                [0x00, 0x00, 0x0A, 0x00, 0x01, 0, 0, 0, 0, 0, 4],
                rdata, [0xC0, 0x17, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4])
        }
        #expect(throws: Never.self) { try DNSMessage.parse(twoRecords(rdata: [0x01, 0x61, 0xC0, 0x0C])) }
        #expect(throws: DNSParseError.pointerLoop) {
            try DNSMessage.parse(twoRecords(rdata: [0x01, 0x61, 0xC0, 0x17]))
        }
    }

    @Test func forwardPointersAreRejected() {
        // The question's name points at a name written after it.
        let forward = Bytes.wire(Bytes.header(counts: [1, 0, 0, 0]), [0xC0, 0x12, 0, 1, 0, 1], [0x01, 0x61, 0x00])
        #expect(throws: DNSParseError.forwardPointer) { try DNSMessage.parse(forward) }
        // A two-pointer loop (12 -> 18 -> 12) always has a forward half.
        let loop = Bytes.wire(Bytes.header(counts: [2, 0, 0, 0]), [0xC0, 0x12, 0, 1, 0, 1], [0xC0, 0x0C, 0, 1, 0, 1])
        #expect(throws: DNSParseError.forwardPointer) { try DNSMessage.parse(loop) }
        // A pointer beyond the end of the message.
        #expect(throws: DNSParseError.forwardPointer) { try DNSMessage.parse(query(name: [0xFF, 0xFF])) }
    }

    /// A record whose RDATA is a chain of `jumps - 1` pointers back to `a.`, and a second record
    /// whose name points at the last of them: that name follows `jumps` pointers.
    func pointerChain(jumps: Int) -> [UInt8] {
        let start = 12 + 11  // the first record's RDATA
        var chain: [UInt8] = [0x01, 0x61, 0x00]
        var previous = start
        for _ in 1..<jumps {
            chain += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = start + chain.count - 2
        }
        return Bytes.wire(
            Bytes.header(flags: [0x81, 0x80], counts: [0, 2, 0, 0]),
            [0x00, 0x00, 0x0A, 0x00, 0x01, 0, 0, 0, 0, UInt8(chain.count >> 8), UInt8(chain.count & 0xFF)], chain,
            [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF), 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4])
    }

    @Test func namesMayFollow128PointersButNotMore() throws {
        let message = try DNSMessage.parse(pointerChain(jumps: 128))
        #expect(message.answers.last?.name.description == "a")
        #expect(throws: DNSParseError.tooManyPointers) { try DNSMessage.parse(pointerChain(jumps: 129)) }
    }

    @Test func decodedNamesOver255BytesAreRejected() throws {
        let label63 = Bytes.label(String(repeating: "a", count: 63))
        let longest = Bytes.wire(label63, label63, label63, Bytes.label(String(repeating: "b", count: 61)), [0])
        #expect(try DNSMessage.parse(query(name: longest)).questions.first?.name.wireLength == 255)
        let tooLong = Bytes.wire(label63, label63, label63, Bytes.label(String(repeating: "b", count: 62)), [0])
        #expect(tooLong.count == 256)
        #expect(throws: DNSParseError.nameTooLong) { try DNSMessage.parse(query(name: tooLong)) }
        // Short on the wire, too long once decompressed: 6 bytes that name 4 + 255 bytes.
        let viaPointer = Bytes.wire(
            Bytes.header(counts: [2, 0, 0, 0]), longest, [0, 1, 0, 1], [0x01, 0x63, 0x01, 0x64, 0xC0, 0x0C, 0, 1, 0, 1])
        #expect(throws: DNSParseError.nameTooLong) { try DNSMessage.parse(viaPointer) }
    }

    @Test(arguments: [0x40, 0x7F, 0x80, 0xBF] as [UInt8])
    func reservedLabelTypesAreRejected(lengthByte: UInt8) {
        // 0x40 is also what a 64-byte label's length would be.
        let name = [lengthByte] + Array(repeating: 0x61, count: 70) + [0]
        #expect(throws: DNSParseError.unsupportedLabelType) { try DNSMessage.parse(query(name: name)) }
    }

    @Test(arguments: [0, 1, 11])
    func shortHeadersAreTruncated(count: Int) {
        let header = Array(Bytes.exampleQuery.prefix(count))
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(header) }
    }

    @Test func truncatedQuestionsAreRejected() {
        // Every cut inside the question, OPT record excluded (its count is the last header field).
        var query = Bytes.exampleQuery
        query[11] = 0
        for end in 12..<29 {
            #expect(throws: DNSParseError.self) { try DNSMessage.parse(Array(query.prefix(end))) }
        }
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(Array(query.prefix(28))) }
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(Array(query.prefix(18))) }
        #expect(throws: Never.self) { try DNSMessage.parse(Array(query.prefix(29))) }
    }

    @Test func truncatedRecordsAreRejected() {
        let full = Bytes.cnameChainResponse
        for end in 33..<full.count {
            #expect(throws: DNSParseError.self) { try DNSMessage.parse(Array(full.prefix(end))) }
        }
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(Array(full.prefix(full.count - 1))) }
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(response(rdata: [1, 2], length: 4)) }
        #expect(throws: DNSParseError.truncated) { try DNSMessage.parse(response(rdata: [], length: 0xFFFF)) }
    }

    @Test func countsBeyondTheMessageFailBeforeReading() {
        let body = Array(repeating: UInt8(0), count: 20)
        for counts: [UInt16] in [
            [0, 0xFFFF, 0, 0], [0xFFFF, 0, 0, 0], [0, 0, 0, 0xFFFF], [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF],
        ] {
            #expect(throws: DNSParseError.tooManyRecords) { try DNSMessage.parse(Bytes.header(counts: counts) + body) }
        }
        // Exactly enough bytes for the minimum sizes passes the check: 4 root-name questions.
        #expect(throws: Never.self) { try DNSMessage.parse(Bytes.header(counts: [4, 0, 0, 0]) + body) }
        #expect(throws: DNSParseError.tooManyRecords) {
            try DNSMessage.parse(Bytes.header(counts: [4, 0, 0, 0]) + body.dropLast())
        }
        #expect(throws: DNSParseError.tooManyRecords) {
            try DNSMessage.parse(Bytes.header(counts: [2, 1, 0, 0]) + body)
        }
    }

    @Test func addressRecordsMustHaveTheirExactLength() {
        #expect(throws: DNSParseError.badRecordLength(.a)) { try DNSMessage.parse(response(rdata: [1, 2, 3])) }
        #expect(throws: DNSParseError.badRecordLength(.a)) { try DNSMessage.parse(response(rdata: [1, 2, 3, 4, 5])) }
        #expect(throws: DNSParseError.badRecordLength(.aaaa)) {
            try DNSMessage.parse(response(type: .aaaa, rdata: [1, 2, 3, 4]))
        }
        #expect(throws: DNSParseError.badRecordLength(.aaaa)) {
            try DNSMessage.parse(response(type: .aaaa, rdata: Array(repeating: 0, count: 17)))
        }
        #expect(throws: Never.self) {
            try DNSMessage.parse(response(type: .aaaa, rdata: Array(repeating: 0, count: 16)))
        }
    }

    @Test func cnameTargetsMustEndAtTheEndOfTheRDATA() {
        let target = Bytes.wire(Bytes.label("b"), [0])
        #expect(throws: Never.self) { try DNSMessage.parse(response(type: .cname, rdata: target)) }
        // Longer RDATA than the name.
        #expect(throws: DNSParseError.badRecordLength(.cname)) {
            try DNSMessage.parse(response(type: .cname, rdata: target + [0]))
        }
        // The name runs past the RDATA into the bytes after it.
        #expect(throws: DNSParseError.badRecordLength(.cname)) {
            try DNSMessage.parse(response(type: .cname, rdata: target, length: 2) + [0xFF])
        }
        #expect(throws: DNSParseError.badRecordLength(.cname)) {
            try DNSMessage.parse(response(type: .cname, rdata: [], length: 0) + [0])
        }
        // A pointer may leave the RDATA, backwards.
        #expect(throws: Never.self) { try DNSMessage.parse(response(type: .cname, name: target, rdata: [0xC0, 0x0C])) }
    }

    @Test func inputLongerThan65535BytesIsRejected() {
        let padded = Bytes.exampleQuery + Array(repeating: 0, count: 65535 - Bytes.exampleQuery.count)
        #expect(throws: Never.self) { try DNSMessage.parse(padded) }
        #expect(throws: DNSParseError.messageTooLong) { try DNSMessage.parse(padded + [0]) }
    }

    @Test func errorsHaveOneLineDescriptions() {
        let errors: [DNSParseError] = [
            .messageTooLong, .truncated, .nameTooLong, .forwardPointer, .pointerLoop, .tooManyPointers,
            .unsupportedLabelType, .tooManyRecords, .badRecordLength(.aaaa),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(errors.allSatisfy { !$0.description.contains("\n") && !$0.description.isEmpty })
        #expect(DNSParseError.badRecordLength(.aaaa).description == "bad AAAA record length")
    }
}
