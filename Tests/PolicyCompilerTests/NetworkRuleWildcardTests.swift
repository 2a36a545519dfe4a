import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct NetworkRuleWildcardTests {
    @Test(arguments: [
        ("*.githubusercontent.com:443", "githubusercontent.com", 443 as UInt16),
        ("*.GitHubUserContent.COM:443", "githubusercontent.com", 443),
        ("  *.a.b.example.org:22 ", "a.b.example.org", 22),
        ("*.example.com.:80", "example.com", 80),
        ("*.x_y.test:1", "x_y.test", 1),
    ])
    func wildcardsParseToTheirLowerCasedDomain(_ input: String, _ domain: String, _ port: UInt16) throws {
        let (host, parsedPort) = try NetworkRuleSyntax.parse(input).get()
        #expect(host == .wildcard(domain))
        #expect(host.description == "*." + domain)
        #expect(parsedPort == port)
    }

    @Test(arguments: [
        ("*.com:443", "too broad"),
        ("*:443", "alone would allow every name"),
        ("*.:443", "alone would allow every name"),
        ("a.*.b.com:443", "`*` inside a label or a later label"),
        ("*a.example.com:443", "`*` inside a label or a later label"),
        ("a*.example.com:443", "`*` inside a label or a later label"),
        ("*.*.example.com:443", "more than one `*`"),
        ("*.example.*:443", "more than one `*`"),
        ("*.-bad.com:443", "is not a valid domain name"),
        ("*.1.2.3:443", "is not a valid domain name"),
        ("*..example.com:443", "is not a valid domain name"),
        ("*.example.com", "has no port"),
        ("*.example.com:0", "invalid port"),
        ("[*.example.com]:443", "is not an IPv6 address"),
    ])
    func badWildcardsAreRefusedWithAReason(_ input: String, _ reason: String) {
        switch NetworkRuleSyntax.parse(input) {
        case .success(let parsed): Issue.record("accepted \(input) as \(parsed)")
        case .failure(let failure): #expect(failure.message.contains(reason), "\(input): \(failure.message)")
        }
    }

    @Test func wildcardDomainsNeedTwoLabels() {
        #expect(NetworkRuleSyntax.isWildcardDomain("example.com"))
        #expect(!NetworkRuleSyntax.isWildcardDomain("com"))
        #expect(!NetworkRuleSyntax.isWildcardDomain("example.com."))
        #expect(!NetworkRuleSyntax.isWildcardDomain("*.example.com"))
    }

    @Test func wildcardsAreReadFromEverySourceOfRules() throws {
        let file = PolicyFixtures.layer(
            "[container]\nnetwork_allow = [\"*.x.test:443\", \"a.x.test:443\"]\n", .global, path: "config.toml")
        let output = try PolicyFixtures.compile([file])
        #expect(output.policy.network.rules.map(\.host) == [.wildcard("x.test"), .name("a.x.test")])
        #expect(output.policy.network.rules[0].origin.summary == "config.toml:2:18")
        let (layer, problems) = ConfigDecoder.decode(
            SourceFile(path: ".mino.toml", text: "[container]\nnetwork_allow = [\"*.com:443\"]\n"), as: .project)
        #expect(layer != nil)
        #expect(problems.map(\.code) == ["policy.invalid-network-rule"])
        #expect(problems.first?.message.contains("too broad") == true)
    }

    @Test(arguments: [
        ("a.example.com:443", "a.example.com", 443 as UInt16?),
        ("A.Example.COM", "a.example.com", nil),
        ("10.0.0.1:22", "10.0.0.1", 22),
        ("10.0.0.1", "10.0.0.1", nil),
        ("[2001:DB8::1]:443", "[2001:db8::1]", 443),
        ("[2001:db8::1]", "[2001:db8::1]", nil),
        ("2001:db8::1", "[2001:db8::1]", nil),
        ("localhost", "localhost", nil),
    ])
    func destinationsTakeAnOptionalPort(_ input: String, _ host: String, _ port: UInt16?) throws {
        let (parsedHost, parsedPort) = try NetworkRuleSyntax.parseDestination(input).get()
        #expect(parsedHost.description == host)
        #expect(parsedPort == port)
    }

    @Test(arguments: [
        ("*.x.test", "is a pattern, not a host"), ("*.x.test:443", "e.g. `a.x.test`"),
        ("a.*.b:1", "not a valid host name"), ("x:99999", "invalid port"), ("x:", "invalid port"),
        ("[::1]x", "expected `:`"), ("$(id)", "not a valid host name"), ("", "empty host"),
    ])
    func destinationsRefuseWildcardsAndJunk(_ input: String, _ reason: String) {
        switch NetworkRuleSyntax.parseDestination(input) {
        case .success(let parsed): Issue.record("accepted \(input) as \(parsed)")
        case .failure(let failure): #expect(failure.message.contains(reason), "\(input): \(failure.message)")
        }
    }

    @Test(arguments: [
        ("10.0.0.0/8:443", "10.0.0.0/8", 443 as UInt16),
        ("192.168.1.0/24:22", "192.168.1.0/24", 22),
        ("[fd00::/8]:443", "[fd00::/8]", 443),
        ("[FD00:0::/16]:8443", "[fd00::/16]", 8443),
    ])
    func addressBlocksParseToTheirCanonicalForm(_ input: String, _ written: String, _ port: UInt16) throws {
        let (host, parsedPort) = try NetworkRuleSyntax.parse(input).get()
        guard case .network = host else {
            Issue.record("\(input) parsed as \(host)")
            return
        }
        #expect(host.description == written)
        #expect(parsedPort == port)
    }

    @Test(arguments: [
        ("10.0.0.1/8:443", "bits set past its prefix; write `10.0.0.0/8`"),
        ("10.0.0.0/33:443", "is not an address block"),
        ("fd00::/8:443", "IPv6 addresses need brackets"),
        ("[10.0.0.0/8]:443", "is not an IPv6 block"),
        ("example.com/8:443", "is not an address block"),
    ])
    func badAddressBlocksAreRefusedWithAReason(_ input: String, _ reason: String) {
        switch NetworkRuleSyntax.parse(input) {
        case .success(let parsed): Issue.record("\(input) parsed as \(parsed)")
        case .failure(let failure): #expect(failure.message.contains(reason), "\(failure.message)")
        }
    }
}
