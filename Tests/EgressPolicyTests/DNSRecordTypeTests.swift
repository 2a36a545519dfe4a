import EgressPolicy
import Testing

@Suite struct DNSRecordTypeTests {
    @Test func knownTypesHaveTheirMnemonics() {
        let types: [DNSRecordType] = [
            .a, .ns, .cname, .soa, .null, .ptr, .mx, .txt, .aaaa, .srv, .opt, .svcb, .https, .any,
        ]
        #expect(types.map(\.rawValue) == [1, 2, 5, 6, 10, 12, 15, 16, 28, 33, 41, 64, 65, 255])
        #expect(
            types.map(\.description) == [
                "A", "NS", "CNAME", "SOA", "NULL", "PTR", "MX", "TXT", "AAAA", "SRV", "OPT", "SVCB", "HTTPS", "ANY",
            ])
        #expect(types.allSatisfy { DNSRecordType(name: $0.description) == $0 })
    }

    @Test func otherTypesAreWrittenWithTheirNumber() {
        #expect(DNSRecordType(rawValue: 1234).description == "TYPE1234")
        #expect(DNSRecordType(rawValue: 0).description == "TYPE0")
        #expect(DNSRecordType(rawValue: 65535).description == "TYPE65535")
    }

    @Test(
        arguments: [
            ("a", 1), ("A", 1), ("TXT", 16), ("txt", 16), ("Https", 65), ("TYPE99", 99), ("type99", 99), ("TYPE1", 1),
            ("TYPE65535", 65535), ("TYPE0", 0), ("aaaa", 28), ("ANY", 255),
        ] as [(String, UInt16)])
    func namesAreReadIgnoringCase(name: String, value: UInt16) {
        #expect(DNSRecordType(name: name) == DNSRecordType(rawValue: value))
    }

    @Test(arguments: ["", "B", "TYPE", "TYPE65536", "TYPE123456", "TYPEx", "TYPE-1", "TYPE 1", " A", "ſrv", "ＡＡＡＡ"])
    func anythingElseIsNotAType(name: String) {
        #expect(DNSRecordType(name: name) == nil)
    }

    @Test func responseCodesHoldFourBits() {
        #expect(DNSResponseCode(rawValue: 15)?.description == "RCODE15")
        #expect(DNSResponseCode(rawValue: 16) == nil)
        #expect(DNSResponseCode(rawValue: 3) == .nameError)
        let codes: [DNSResponseCode] = [.noError, .formatError, .serverFailure, .nameError, .notImplemented, .refused]
        #expect(codes.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
        #expect(codes.map(\.description) == ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"])
    }
}
