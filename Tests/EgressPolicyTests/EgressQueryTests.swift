import Diagnostics
import EgressPolicy
import PolicyModel
import Testing

@Suite struct EgressQueryTests {
    static let source = SourceFile(
        path: ".mino.toml",
        text: "[container]\nnetwork_allow = [\"*.allowed.test:443\", \"a.allowed.test:22\", \"10.0.0.5:22\"]\n")

    static func origin(_ start: Int) -> Origin {
        .file(FileSpan(file: source, span: SourceSpan(start: start, end: start)))
    }

    static func network(_ mode: NetworkPolicy.Mode, allowPrivate: [String] = []) -> NetworkPolicy {
        let rules =
            mode == .allowlist
            ? [
                NetworkRule(host: .wildcard("allowed.test"), port: 443, origin: origin(29)),
                NetworkRule(host: .name("a.allowed.test"), port: 22, origin: origin(50)),
                NetworkRule(host: .ipv4("10.0.0.5"), port: 22, origin: origin(70)),
                NetworkRule(host: .ipv6("2001:db8::1"), port: 443, origin: .builtin),
            ] : []
        return NetworkPolicy(
            mode: Sourced(mode, .builtin), rules: rules, preset: nil, enforcement: Sourced(.netns, .builtin),
            allowPrivate: allowPrivate.compactMap { IPNetwork($0).map { Sourced($0, .builtin) } })
    }

    @Test func aWildcardAllowsANameBelowItOnItsPort() throws {
        let answer = EgressQuery.evaluate(host: "x.y.allowed.test", port: 443, network: Self.network(.allowlist))
        #expect(answer.decision == .allowed)
        let rule = try #require(answer.rule)
        #expect(rule.description == "*.allowed.test:443")
        #expect(rule.origin.summary == ".mino.toml:2:18")
        #expect(answer.rules.map(\.match) == [.wildcard])
        #expect(answer.destination == "x.y.allowed.test:443")
    }

    @Test func exactRulesComeBeforeWildcards() {
        let answer = EgressQuery.evaluate(host: "A.Allowed.Test.", port: nil, network: Self.network(.allowlist))
        #expect(answer.decision == .allowed)
        #expect(answer.subject == .name("a.allowed.test"))
        #expect(answer.rules.map(\.rule.description) == ["a.allowed.test:22", "*.allowed.test:443"])
        #expect(answer.rules.map(\.match) == [.exact, .wildcard])
        #expect(answer.destination == "a.allowed.test")
    }

    @Test func otherPortsAreReportedWhenThePortIsNotAllowed() {
        let answer = EgressQuery.evaluate(host: "a.allowed.test", port: 80, network: Self.network(.allowlist))
        #expect(answer.decision == .denied)
        #expect(answer.rules.isEmpty)
        #expect(answer.otherPorts.map(\.rule.port) == [22, 443])
    }

    @Test(arguments: ["allowed.test", "allowed.test.evil.test", "evilallowed.test", "evil.test", "10.0.0.6"])
    func namesOutsideTheRulesAreDenied(_ host: String) {
        let answer = EgressQuery.evaluate(host: host, port: 443, network: Self.network(.allowlist))
        #expect(answer.decision == .denied)
        #expect(answer.rules.isEmpty)
    }

    @Test func addressesAreAllowedOnlyByLiteralRules() {
        let allowed = EgressQuery.evaluate(host: "10.0.0.5", port: 22, network: Self.network(.allowlist))
        #expect(allowed.decision == .allowed)
        #expect(allowed.rules.map(\.match) == [.literal])
        #expect(allowed.guardRefusal == .private)
        let v6 = EgressQuery.evaluate(host: "[2001:DB8:0::1]", port: 443, network: Self.network(.allowlist))
        #expect(v6.decision == .allowed)
        #expect(v6.destination == "[2001:db8::1]:443")
        #expect(v6.guardRefusal == nil)
        let loopback = EgressQuery.evaluate(host: "127.0.0.1", port: 443, network: Self.network(.allowlist))
        #expect(loopback.decision == .denied)
        #expect(loopback.guardRefusal == .loopback)
    }

    @Test func allowPrivateLiftsTheGuardNoteForPrivateAddressesOnly() {
        let network = Self.network(.allowlist, allowPrivate: ["10.0.0.0/8"])
        #expect(EgressQuery.evaluate(host: "10.0.0.5", port: 22, network: network).guardRefusal == nil)
        #expect(EgressQuery.evaluate(host: "169.254.169.254", port: 80, network: network).guardRefusal == .metadata)
    }

    @Test func modesWithoutAnAllowlistDecideAlone() {
        #expect(EgressQuery.evaluate(host: "evil.test", port: 443, network: Self.network(.bridge)).decision == .allowed)
        #expect(EgressQuery.evaluate(host: "evil.test", port: nil, network: Self.network(.host)).decision == .allowed)
        let none = EgressQuery.evaluate(host: "evil.test", port: 443, network: Self.network(.none))
        #expect(none.decision == .denied)
        #expect(none.rules.isEmpty)
    }

    @Test func theJSONFormNamesEveryPart() {
        let answer = EgressQuery.evaluate(host: "b.allowed.test", port: 443, network: Self.network(.allowlist))
        #expect(
            answer.jsonValue.rendered()
                == #"{"decision":"allowed","guard":null,"host":"b.allowed.test","kind":"name","#
                + #""mode":{"from":"built-in default","value":"allowlist"},"other_ports":[],"port":443,"#
                + #""rules":[{"from":".mino.toml:2:18","match":"wildcard","rule":"*.allowed.test:443"}]}"#)
    }

    /// An address inside a block rule is allowed by that rule; one outside it is not.
    @Test func anAddressInsideABlockRuleIsAllowed() throws {
        var network = Self.network(.allowlist)
        network.rules.append(
            NetworkRule(host: .network(try #require(IPNetwork("198.51.100.0/24"))), port: 443, origin: Self.origin(40)))
        let inside = EgressQuery.evaluate(host: "198.51.100.77", port: 443, network: network)
        #expect(inside.decision == .allowed)
        #expect(inside.rules.map(\.rule.description) == ["198.51.100.0/24:443"])
        #expect(EgressQuery.evaluate(host: "198.51.101.1", port: 443, network: network).decision == .denied)
        #expect(EgressQuery.evaluate(host: "198.51.100.77", port: 80, network: network).decision == .denied)
    }
}
