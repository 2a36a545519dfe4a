import Diagnostics
import EgressPolicy
import PolicyModel
import Testing

@Suite struct NameMatcherTests {
    static func rule(_ host: NetworkRule.Host, _ port: UInt16 = 443) -> NetworkRule {
        NetworkRule(host: host, port: port, origin: .builtin)
    }

    static let rules = [
        rule(.wildcard("allowed.test")),
        rule(.name("exact.test")),
        rule(.name("a.allowed.test"), 22),
        rule(.wildcard("deep.allowed.test"), 8443),
        rule(.ipv4("192.0.2.1")),
        rule(.ipv6("2001:db8::1")),
        rule(.name("trailing.test.")),
    ]

    /// name → the hosts of the rules admitting it, in rule order.
    @Test(arguments: [
        ("a.allowed.test", ["*.allowed.test", "a.allowed.test"]),
        ("x.y.allowed.test", ["*.allowed.test"]),
        ("A.Allowed.TEST.", ["*.allowed.test", "a.allowed.test"]),
        ("x.deep.allowed.test", ["*.allowed.test", "*.deep.allowed.test"]),
        ("deep.allowed.test", ["*.allowed.test"]),
        ("allowed.test", []),
        ("allowed.test.evil.test", []),
        ("evilallowed.test", []),
        ("evil-allowed.test", []),
        ("exact.test", ["exact.test"]),
        ("EXACT.test.", ["exact.test"]),
        ("a.exact.test", []),
        ("trailing.test", ["trailing.test."]),
        ("192.0.2.1", []),
        ("2001:db8::1", []),
        ("", []),
        (".", []),
        (".allowed.test", []),
        ("a..allowed.test", []),
        ("test", []),
    ])
    func namesMatchExactAndWildcardRules(_ name: String, _ expected: [String]) {
        let matcher = NameMatcher(rules: Self.rules)
        #expect(matcher.rules(for: name).map(\.host.description) == expected, "\(name)")
    }

    @Test func portsFilterTheMatches() {
        let matcher = NameMatcher(rules: Self.rules)
        #expect(matcher.rules(for: "a.allowed.test", port: 22).map(\.description) == ["a.allowed.test:22"])
        #expect(matcher.rules(for: "a.allowed.test", port: 443).map(\.description) == ["*.allowed.test:443"])
        #expect(matcher.rules(for: "a.allowed.test", port: 80).isEmpty)
    }

    @Test func literalRulesAloneMatchNoName() {
        #expect(NameMatcher(rules: [Self.rule(.ipv4("192.0.2.1"))]).isEmpty)
        #expect(!NameMatcher(rules: Self.rules).isEmpty)
        #expect(NameMatcher(rules: []).rules(for: "a.test").isEmpty)
    }

    @Test func originsTravelWithTheMatchedRule() throws {
        let source = SourceFile(path: ".mino.toml", text: "network_allow = [\"*.x.test:443\"]\n")
        let origin = Origin.file(FileSpan(file: source, span: SourceSpan(start: 17, end: 31)))
        let matcher = NameMatcher(rules: [NetworkRule(host: .wildcard("x.test"), port: 443, origin: origin)])
        #expect(try #require(matcher.rules(for: "a.x.test").first).origin.summary == ".mino.toml:1:18")
    }

    @Test func hundredsOfRulesStayExact() {
        var rules = [NetworkRule]()
        for index in 0..<500 {
            rules.append(Self.rule(.name("host\(index).example.test")))
            rules.append(Self.rule(.wildcard("zone\(index).example.test"), UInt16(1000 + index)))
        }
        let matcher = NameMatcher(rules: rules)
        #expect(matcher.rules(for: "host499.example.test").map(\.host) == [.name("host499.example.test")])
        #expect(matcher.rules(for: "a.b.zone250.example.test").map(\.port) == [1250])
        #expect(matcher.rules(for: "zone250.example.test").isEmpty)
        #expect(matcher.rules(for: "host500.example.test").isEmpty)
    }

    @Test func normalizationLowersASCIIAndDropsOneTrailingDot() {
        #expect(NameMatcher.normalized("WWW.Example.COM.") == "www.example.com")
        #expect(NameMatcher.normalized("a..") == "a.")
        #expect(NameMatcher.normalized("É.test") == "É.test")
    }
}
