import Backends
import Diagnostics
import Foundation
import PolicyModel
import Testing

@Suite struct NetfilterBackendTests {
    let facts = PolicyFixture.facts

    func ruleset(
        _ policy: SandboxPolicy = PolicyFixture.allowlist(), facts: HostFacts? = nil,
        resolution: AddressResolution = .resolved
    ) throws -> NetfilterRuleset {
        try #require(try NetfilterBackend.ruleset(for: policy, facts: facts ?? self.facts, resolution: resolution))
    }

    static let ipv4Head = """
        # mino network allowlist, IPv4 table for iptables-restore
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT DROP [0:0]
        -A INPUT -i lo -j ACCEPT
        -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        -A OUTPUT -o lo -j ACCEPT
        -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        # DNS: only to the container's resolvers
        -A OUTPUT -d 10.88.0.1/32 -p udp -m udp --dport 53 -j ACCEPT
        -A OUTPUT -d 10.88.0.1/32 -p tcp -m tcp --dport 53 -j ACCEPT

        """

    static let ipv6Head = """
        # mino network allowlist, IPv6 table for ip6tables-restore
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT DROP [0:0]
        -A INPUT -i lo -j ACCEPT
        -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j ACCEPT
        -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
        -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
        -A OUTPUT -o lo -j ACCEPT
        -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        -A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 133 -j ACCEPT
        -A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
        -A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
        # DNS: only to the container's resolvers
        -A OUTPUT -d fd00::1/128 -p udp -m udp --dport 53 -j ACCEPT
        -A OUTPUT -d fd00::1/128 -p tcp -m tcp --dport 53 -j ACCEPT

        """

    static func tail(_ rejection: String) -> String {
        """
        # everything else is refused at once
        -A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
        -A OUTPUT -j REJECT --reject-with \(rejection)
        COMMIT

        """
    }

    @Test func resolvedAllowlistIsExactlyTheDocumentedFence() throws {
        let ruleset = try ruleset()
        #expect(
            ruleset.ipv4 == Self.ipv4Head + """
                # allow github.com:443
                -A OUTPUT -d 140.82.112.3/32 -p tcp -m tcp --dport 443 -j ACCEPT
                -A OUTPUT -d 140.82.112.4/32 -p tcp -m tcp --dport 443 -j ACCEPT
                # allow api.anthropic.com:443
                -A OUTPUT -d 160.79.104.10/32 -p tcp -m tcp --dport 443 -j ACCEPT

                """ + Self.tail("icmp-admin-prohibited"))
        #expect(
            ruleset.ipv6 == Self.ipv6Head + """
                # allow github.com:443: no ipv6 address
                # allow api.anthropic.com:443
                -A OUTPUT -d 2607:6bc0::10/128 -p tcp -m tcp --dport 443 -j ACCEPT

                """ + Self.tail("icmp6-adm-prohibited"))
        #expect(ruleset.rendered == ruleset.ipv4 + ruleset.ipv6)
        #expect(ruleset.lines == ruleset.ipv4Lines + ruleset.ipv6Lines)
    }

    @Test func symbolicModeNamesHostsInCommentsAndKeepsLiterals() throws {
        let policy = PolicyFixture.allowlist([
            PolicyFixture.rule("github.com", 443), PolicyFixture.rule("10.1.2.3", 80),
            PolicyFixture.rule("2001:db8::7", 22),
        ])
        let ruleset = try ruleset(policy, resolution: .symbolic)
        #expect(
            ruleset.ipv4 == Self.ipv4Head + """
                # allow github.com:443: addresses resolved when the session starts
                # allow 10.1.2.3:80
                -A OUTPUT -d 10.1.2.3/32 -p tcp -m tcp --dport 80 -j ACCEPT

                """ + Self.tail("icmp-admin-prohibited"))
        #expect(
            ruleset.ipv6 == Self.ipv6Head + """
                # allow github.com:443: addresses resolved when the session starts
                # allow [2001:db8::7]:22
                -A OUTPUT -d 2001:db8::7/128 -p tcp -m tcp --dport 22 -j ACCEPT

                """ + Self.tail("icmp6-adm-prohibited"))
    }

    @Test func everyUnresolvedNameIsReportedWhenResolving() {
        let policy = PolicyFixture.allowlist([
            PolicyFixture.rule("nowhere.example", 443), PolicyFixture.rule("github.com", 443),
            PolicyFixture.rule("also-nowhere.example", 80),
        ])
        #expect(throws: DiagnosticError.self) { try ruleset(policy) }
        do {
            _ = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved)
        } catch {
            #expect(error.diagnostics.map(\.code) == ["backend.unresolved-host", "backend.unresolved-host"])
            #expect(
                error.diagnostics.map(\.origin) == [policy.network.rules[0].origin, policy.network.rules[2].origin])
            #expect(error.diagnostics[0].message == "allowed host `nowhere.example` resolved to no address")
        }
    }

    @Test func nameWithAnEmptyAddressListIsUnresolved() {
        var facts = facts
        facts.resolvedAddresses["github.com"] = []
        #expect(throws: DiagnosticError.self) { try ruleset(facts: facts) }
    }

    @Test(arguments: ["1.2.3.4 -j ACCEPT", "1.2.3.4\n-A OUTPUT -j ACCEPT", "0/0", "github.com", ""])
    func resolvedTextThatIsNotAnAddressIsRefused(text: String) {
        var facts = facts
        facts.resolvedAddresses["github.com"] = [text]
        do {
            _ = try NetfilterBackend.ruleset(for: PolicyFixture.allowlist(), facts: facts, resolution: .resolved)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.diagnostics.map(\.code) == ["backend.invalid-address"])
        }
    }

    @Test func resolverThatIsNotAnAddressIsRefused() {
        var facts = facts
        facts.containerResolvers = ["10.88.0.1", "0.0.0.0/0"]
        #expect(throws: DiagnosticError.self) { try ruleset(facts: facts) }
    }

    @Test func addressesAreSortedAndDeduplicatedWithinARule() throws {
        var facts = facts
        facts.resolvedAddresses["github.com"] = ["140.82.112.10", "140.82.112.9", "140.82.112.10", "9.9.9.9"]
        let accepts = try ruleset(facts: facts).ipv4Lines.map(\.text).filter { $0.hasSuffix("--dport 443 -j ACCEPT") }
        #expect(
            accepts == [
                "-A OUTPUT -d 9.9.9.9/32 -p tcp -m tcp --dport 443 -j ACCEPT",
                "-A OUTPUT -d 140.82.112.9/32 -p tcp -m tcp --dport 443 -j ACCEPT",
                "-A OUTPUT -d 140.82.112.10/32 -p tcp -m tcp --dport 443 -j ACCEPT",
                "-A OUTPUT -d 160.79.104.10/32 -p tcp -m tcp --dport 443 -j ACCEPT",
            ])
    }

    @Test func rulesFollowThePolicyOrder() throws {
        let policy = PolicyFixture.allowlist([
            PolicyFixture.rule("api.anthropic.com", 443), PolicyFixture.rule("github.com", 22),
        ])
        let comments = try ruleset(policy).ipv4Lines.map(\.text).filter { $0.hasPrefix("# allow") }
        #expect(comments == ["# allow api.anthropic.com:443", "# allow github.com:22"])
    }

    @Test func withoutResolversNoDNSIsAccepted() throws {
        var facts = facts
        facts.containerResolvers = []
        let ruleset = try ruleset(facts: facts)
        #expect(!ruleset.rendered.contains("--dport 53"))
        #expect(ruleset.enforcement.first { $0.element == "network.dns" }?.note.contains("blocked") == true)
    }

    @Test(arguments: [NetworkPolicy.Mode.bridge, .host, .none])
    func otherModesHaveNoRuleset(mode: NetworkPolicy.Mode) throws {
        let policy = PolicyFixture.policy { $0.network.mode = Sourced(mode, .builtin) }
        #expect(try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved) == nil)
    }

    @Test func emptyAllowlistStillFencesEverything() throws {
        let ruleset = try ruleset(PolicyFixture.allowlist([]))
        #expect(ruleset.ipv4 == Self.ipv4Head + Self.tail("icmp-admin-prohibited"))
    }

    @Test func eachTableEndsWithTheRejectThenCommit() throws {
        for table in [try ruleset().ipv4Lines, try ruleset().ipv6Lines] {
            #expect(table.suffix(2).map(\.text).first?.hasPrefix("-A OUTPUT -j REJECT") == true)
            #expect(table.last?.text == "COMMIT")
            #expect(table.filter { $0.text.hasPrefix("*") }.map(\.text) == ["*filter"])
        }
    }

    @Test func acceptLinesCarryTheOriginOfTheirRule() throws {
        let policy = PolicyFixture.allowlist()
        let line = try #require(try ruleset(policy).ipv6Lines.first { $0.text.contains("2607:6bc0::10") })
        #expect(line.origin == policy.network.rules[1].origin)
    }

    /// The wrapper's table: the fence and the DNS restriction are the kernel's; pinning and the
    /// rebinding guard need the session resolver, which this applier does not have, and say so.
    @Test func enforcementIsKernelForTheFenceAndDNSAndSaysWhatTheWrapperLacks() throws {
        let enforcement = try ruleset().enforcement
        #expect(
            enforcement.map(\.element) == [
                "network.allowlist", "network.dns", "network.pinning", "network.rebinding-guard",
            ])
        #expect(enforcement[0...1].allSatisfy { $0.level == .kernel })
        #expect(enforcement[2...3].allSatisfy { $0.level == .unsupported })
        #expect(enforcement[1].note.hasPrefix("DNS only to 10.88.0.1, fd00::1, which answer any name"))
    }

    /// Loads both tables into a fresh network namespace with the real tools. Opt in with
    /// `MINO_INTEGRATION=1` (needs root, `unshare` and iptables).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1"))
    func tablesLoadIntoAKernel() throws {
        let runner = try ShellRunner()
        defer { runner.cleanUp() }
        let ruleset = try ruleset(
            PolicyFixture.allowlist([
                PolicyFixture.rule("github.com", 443), PolicyFixture.rule("api.anthropic.com", 443),
                PolicyFixture.rule("2001:db8::7", 22),
            ]))
        try ruleset.ipv4.write(to: runner.directory.appendingPathComponent("v4"), atomically: true, encoding: .utf8)
        try ruleset.ipv6.write(to: runner.directory.appendingPathComponent("v6"), atomically: true, encoding: .utf8)
        let host = ShellRunner.hostFirewall()
        // Loads only where the namespace is new (nothing but `lo`): never into the host's.
        let result = try runner.run(
            "/usr/bin/unshare",
            [
                "-n", "/bin/sh", "-c",
                "[ \"$(ip -o link show | wc -l)\" = 1 ] || exit 99; "
                    + "iptables-restore < v4 && ip6tables-restore < v6 && ip6tables-save",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ShellRunner.hostFirewall() == host, "the host's own firewall changed")
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("-A OUTPUT -d 2001:db8::7/128"))
    }
}
