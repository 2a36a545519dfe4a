import EgressPolicy
import Testing

@Suite struct DNSNameTests {
    @Test(arguments: [
        ("example.com", ["example", "com"]), ("example.com.", ["example", "com"]), ("A.b-c.D", ["A", "b-c", "D"]),
        ("*.example.com", ["*", "example", "com"]), ("x", ["x"]),
    ])
    func dottedTextSplitsIntoLabels(text: String, labels: [String]) throws {
        let name = try #require(DNSName(text))
        #expect(name.labels == labels.map { Array($0.utf8) })
    }

    @Test(arguments: ["", "."])
    func emptyTextAndDotAreTheRoot(text: String) throws {
        let name = try #require(DNSName(text))
        #expect(name.labels.isEmpty)
        #expect(name.normalized == "")
        #expect(name.description == ".")
        #expect(name.wireLength == 1)
    }

    @Test(arguments: ["a..b", ".a", "..", "a.b..", "a\\", "a\\25", "a\\256", "a\\2x5"])
    func emptyLabelsAndBadEscapesAreRejected(text: String) {
        #expect(DNSName(text) == nil)
    }

    @Test func labelsOfSixtyFourBytesAreRejected() {
        let label63 = String(repeating: "a", count: 63)
        #expect(DNSName(label63 + ".com") != nil)
        #expect(DNSName(label63 + "a.com") == nil)
        #expect(DNSName(labels: [Array(repeating: 0x61, count: 63)]) != nil)
        #expect(DNSName(labels: [Array(repeating: 0x61, count: 64)]) == nil)
        #expect(DNSName(labels: [[]]) == nil)
        #expect(DNSName(labels: [Array("a".utf8), []]) == nil)
    }

    @Test func namesLongerThan255WireBytesAreRejected() throws {
        let label63 = String(repeating: "a", count: 63)
        // 3 × (1 + 63) + (1 + 61) + 1 = 255.
        let longest = try #require(
            DNSName([label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")))
        #expect(longest.wireLength == 255)
        #expect(DNSName([label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: ".")) == nil)
        #expect(DNSName(labels: longest.labels + [Array("c".utf8)]) == nil)
    }

    @Test func normalizedFormIsLowercaseWithoutTrailingDot() throws {
        let name = try #require(DNSName("WWW.Example.COM."))
        #expect(name.labels[0] == Array("WWW".utf8))
        #expect(name.normalized == "www.example.com")
        #expect(name.description == "www.example.com")
        #expect(name.wireLength == 17)
        #expect(name != DNSName("www.example.com"))
    }

    @Test func dotsAndBackslashesInsideALabelAreEscaped() throws {
        let name = try #require(DNSName(labels: [Array("a.b".utf8), Array("c\\d".utf8), Array("com".utf8)]))
        #expect(name.normalized == "a\\046b.c\\092d.com")
        let split = try #require(DNSName(labels: ["a", "b", "c\\d", "com"].map { Array($0.utf8) }))
        #expect(split.normalized == "a.b.c\\092d.com")
        let escaped = try #require(DNSName("a\\.b.c\\\\d.com"))
        #expect(escaped == name)
    }

    @Test func bytesOutsidePrintableASCIIAreWrittenInDecimal() throws {
        let name = try #require(DNSName(labels: [[0xC3, 0xA9, 0x41], [0x00, 0x20, 0x7F, 0x7E], Array("org".utf8)]))
        #expect(name.normalized == "\\195\\169a.\\000\\032\\127~.org")
        #expect(
            DNSName("\\195\\169a.\\000\\032\\127~.org")
                == DNSName(labels: [[0xC3, 0xA9, 0x61], [0, 32, 127, 126], Array("org".utf8)]))
    }

    @Test func textIsUsedAsUTF8WithoutIDNA() throws {
        let name = try #require(DNSName("café.fr"))
        #expect(name.labels[0] == [0x63, 0x61, 0x66, 0xC3, 0xA9])
        #expect(name.normalized == "caf\\195\\169.fr")
    }

    @Test(
        arguments: [
            [[0x41, 0x2E, 0x62]], [[0x5C], [0xFF, 0x00]], [Array("Mixed-Case".utf8), Array("EXAMPLE".utf8)], [],
        ] as [[[UInt8]]])
    func normalizedTextReadsBackAsTheLowercasedName(labels: [[UInt8]]) throws {
        let name = try #require(DNSName(labels: labels))
        let lowered = labels.map { $0.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        #expect(DNSName(name.normalized) == DNSName(labels: lowered))
    }
}
