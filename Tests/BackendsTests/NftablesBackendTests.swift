import Backends
import Diagnostics
import Foundation
import PolicyModel
import Testing

@Suite struct NftablesBackendTests {
    func ruleset(_ policy: SandboxPolicy = PolicyFixture.allowlist()) throws -> NftablesRuleset {
        try #require(try NftablesBackend.ruleset(for: policy.network))
    }

    static let head = """
        # mino network allowlist for nft -f: IPv4 and IPv6 in one table, replaced in one transaction
        table inet mino {}
        delete table inet mino
        table inet mino {
            # the session's resolver adds address . port pins, each with its own timeout
            set pinned4 { type ipv4_addr . inet_service; flags timeout; }
            set pinned6 { type ipv6_addr . inet_service; flags timeout; }
            # refused traffic, counted per destination
            set denied4 { type ipv4_addr . inet_proto . inet_service; flags dynamic; counter; size 65536; }
            set denied6 { type ipv6_addr . inet_proto . inet_service; flags dynamic; counter; size 65536; }
            set deniedother4 { type ipv4_addr . inet_proto; flags dynamic; counter; size 65536; }
            set deniedother6 { type ipv6_addr . inet_proto; flags dynamic; counter; size 65536; }
            chain input {
                type filter hook input priority 0; policy drop;
                iif lo accept
                ct state established,related accept
                icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept
            }
            chain forward {
                type filter hook forward priority 0; policy drop;
            }
            chain output {
                type filter hook output priority 0; policy drop;
                # loopback carries DNS to the session's resolver; no other rule accepts port 53
                oif lo accept
                ct state established,related accept
                icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept
                # what the session's resolver answered for an allowed name, until its pin expires
                ip daddr . tcp dport @pinned4 accept
                ip6 daddr . tcp dport @pinned6 accept

        """

    static let tail = """
                # everything else is counted, then refused at once
                meta l4proto { tcp, udp } update @denied4 { ip daddr . meta l4proto . th dport }
                meta l4proto { tcp, udp } update @denied6 { ip6 daddr . meta l4proto . th dport }
                meta l4proto != { tcp, udp } update @deniedother4 { ip daddr . meta l4proto }
                meta l4proto != { tcp, udp } update @deniedother6 { ip6 daddr . meta l4proto }
                meta l4proto tcp reject with tcp reset
                reject with icmpx admin-prohibited
            }
        }

        """

    static let mixedPolicy = PolicyFixture.allowlist([
        PolicyFixture.rule("github.com", 443),
        NetworkRule(host: .wildcard("example.com"), port: 443, origin: PolicyFixture.origin("rule *.example.com:443")),
        PolicyFixture.rule("198.51.100.7", 443),
        PolicyFixture.rule("2001:0db8:0:0::7", 22),
    ])

    @Test func smallPolicyIsExactlyTheDocumentedTable() throws {
        #expect(
            try ruleset(Self.mixedPolicy).rendered == Self.head + """
                        # allow github.com:443: opened by the session's resolver (@pinned4, @pinned6)
                        # allow *.example.com:443: opened by the session's resolver (@pinned4, @pinned6)
                        # allow 198.51.100.7:443
                        ip daddr 198.51.100.7 tcp dport 443 accept
                        # allow [2001:db8::7]:22
                        ip6 daddr 2001:db8::7 tcp dport 22 accept

                """ + Self.tail)
    }

    @Test func emptyAllowlistStillFencesEverything() throws {
        #expect(try ruleset(PolicyFixture.allowlist([])).rendered == Self.head + Self.tail)
    }

    @Test func literalAddressesAreRenderedCanonicallyInTheirFamily() throws {
        let text = try ruleset(
            PolicyFixture.allowlist([PolicyFixture.rule("10.1.2.3", 80), PolicyFixture.rule("2001:DB8:0::0:1", 8443)])
        ).rendered
        #expect(text.contains("\n        ip daddr 10.1.2.3 tcp dport 80 accept\n"))
        #expect(text.contains("\n        ip6 daddr 2001:db8::1 tcp dport 8443 accept\n"))
        #expect(!text.contains("DB8"))
    }

    /// An address block opens every address in it, as written, on its port (v4 and v6).
    @Test func addressBlocksAreAcceptedAsWritten() throws {
        let v4 = try #require(IPNetwork("10.0.0.0/8"))
        let v6 = try #require(IPNetwork("fd00::/8"))
        let text = try ruleset(
            PolicyFixture.allowlist([
                NetworkRule(host: .network(v4), port: 443, origin: PolicyFixture.origin("block")),
                NetworkRule(host: .network(v6), port: 22, origin: PolicyFixture.origin("block6")),
            ])
        ).rendered
        #expect(text.contains("\n        # allow 10.0.0.0/8:443\n        ip daddr 10.0.0.0/8 tcp dport 443 accept\n"))
        #expect(text.contains("\n        # allow [fd00::/8]:22\n        ip6 daddr fd00::/8 tcp dport 22 accept\n"))
    }

    @Test func namesAndWildcardsOpenNoStaticAddress() throws {
        let policy = PolicyFixture.allowlist([
            PolicyFixture.rule("github.com", 443),
            NetworkRule(host: .wildcard("example.com"), port: 443, origin: PolicyFixture.origin("wildcard")),
        ])
        let lines = try ruleset(policy).lines.map(\.text)
        #expect(
            try ruleset(policy).rendered == Self.head + """
                        # allow github.com:443: opened by the session's resolver (@pinned4, @pinned6)
                        # allow *.example.com:443: opened by the session's resolver (@pinned4, @pinned6)

                """ + Self.tail)
        // The facts' resolved addresses never reach the table: only the resolver's pins do.
        #expect(!lines.contains { $0.contains("140.82.112") })
        #expect(lines.filter { $0.contains(" daddr ") && $0.hasSuffix("accept") }.count == 2)
    }

    @Test func linesOfARuleCarryItsOriginAndTheRestTheModes() throws {
        let policy = Self.mixedPolicy
        let lines = try ruleset(policy).lines
        let rules = policy.network.rules
        #expect(lines.filter { $0.text.contains("github.com") }.map(\.origin) == [rules[0].origin])
        #expect(lines.filter { $0.text.contains("*.example.com") }.map(\.origin) == [rules[1].origin])
        #expect(lines.filter { $0.text.contains("198.51.100.7") }.map(\.origin) == [rules[2].origin, rules[2].origin])
        #expect(lines.filter { $0.text.contains("2001:") }.map(\.origin) == [rules[3].origin, rules[3].origin])
        let posture = lines.filter { line in !rules.contains { $0.origin == line.origin } }
        #expect(posture.allSatisfy { $0.origin == policy.network.mode.origin })
        #expect(posture.count == lines.count - 6)
    }

    @Test func renderedIsTheLinesJoined() throws {
        let ruleset = try ruleset(Self.mixedPolicy)
        #expect(ruleset.rendered == ArtifactLine.render(ruleset.lines))
        #expect(try NftablesBackend.ruleset(for: Self.mixedPolicy.network) == ruleset)
    }

    @Test func publicNamesAreTheOnesInTheTable() throws {
        let text = try ruleset().rendered
        #expect(NftablesBackend.tableFamily == "inet" && NftablesBackend.tableName == "mino")
        for set in [
            NftablesBackend.pinnedIPv4Set, NftablesBackend.pinnedIPv6Set, NftablesBackend.deniedIPv4Set,
            NftablesBackend.deniedIPv6Set, NftablesBackend.deniedOtherIPv4Set, NftablesBackend.deniedOtherIPv6Set,
        ] {
            #expect(text.contains("    set \(set) {"))
        }
        #expect(NftablesBackend.pinnedSet(for: .ipv4) == "pinned4")
        #expect(NftablesBackend.pinnedSet(for: .ipv6) == "pinned6")
    }

    @Test func onlyLoopbackCarriesDNS() throws {
        let text = try ruleset(Self.mixedPolicy).rendered
        #expect(!text.contains("dport 53"))
        #expect(!text.contains("udp dport"))
    }

    @Test(arguments: [NetworkPolicy.Mode.bridge, .host, .none])
    func otherModesHaveNoTable(mode: NetworkPolicy.Mode) throws {
        let policy = PolicyFixture.policy { $0.network.mode = Sourced(mode, .builtin) }
        #expect(try NftablesBackend.ruleset(for: policy.network) == nil)
    }

    @Test func everyInvalidHostIsReportedWithItsOrigin() {
        let rules = [
            NetworkRule(host: .ipv4("198.51.100.7; flush ruleset"), port: 443, origin: PolicyFixture.origin("a")),
            NetworkRule(host: .name("evil.example\n    accept"), port: 443, origin: PolicyFixture.origin("b")),
            NetworkRule(host: .wildcard("x y"), port: 443, origin: PolicyFixture.origin("c")),
            NetworkRule(host: .ipv6("10.0.0.1"), port: 443, origin: PolicyFixture.origin("d")),
            PolicyFixture.rule("github.com", 443),
        ]
        do {
            _ = try NftablesBackend.ruleset(for: PolicyFixture.allowlist(rules).network)
            Issue.record("no error")
        } catch {
            #expect(
                error.diagnostics.map(\.code) == [
                    "backend.invalid-address", "backend.invalid-host-name", "backend.invalid-host-name",
                    "backend.invalid-address",
                ])
            #expect(error.diagnostics.map(\.origin) == rules.prefix(4).map(\.origin))
        }
    }

    @Test func enforcementIsKernelAndCountsTheRules() throws {
        let enforcement = try ruleset(Self.mixedPolicy).enforcement
        #expect(enforcement.map(\.element) == ["network.allowlist", "network.dns"])
        #expect(enforcement.allSatisfy { $0.level == .kernel })
        #expect(
            enforcement[0].note
                == "nftables, default deny for every protocol on IPv4 and IPv6; 2 literal rule(s) accept their "
                + "address, 2 name rule(s) open only the pinned answers of the session's resolver")
        #expect(enforcement[1].note.hasPrefix("DNS only to the session's resolver on loopback"))
    }

    /// Loads the table twice into a fresh network namespace with the real `nft` (the second load
    /// proves the file replaces its own table). Opt in with `MINO_INTEGRATION=1` (needs root,
    /// `unshare` and nft).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1"))
    func tableLoadsIntoAKernelTwice() throws {
        let runner = try ShellRunner()
        defer { runner.cleanUp() }
        try ruleset(Self.mixedPolicy).rendered.write(
            to: runner.directory.appendingPathComponent("table.nft"), atomically: true, encoding: .utf8)
        let host = ShellRunner.hostFirewall()
        // Loads only where the namespace is new (nothing but `lo`): never into the host's.
        let result = try runner.run(
            "/usr/bin/unshare",
            [
                "-n", "/bin/sh", "-c",
                "[ \"$(ip -o link show | wc -l)\" = 1 ] || exit 99; "
                    + "nft -f table.nft && nft -f table.nft && nft list table inet mino",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ShellRunner.hostFirewall() == host, "the host's own firewall changed")
        let listing = String(decoding: result.stdout, as: UTF8.self)
        #expect(listing.contains("ip6 daddr 2001:db8::7 tcp dport 22 accept"))
        #expect(listing.components(separatedBy: "chain output").count == 2)
    }
}
