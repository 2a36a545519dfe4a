import Backends
import Diagnostics
import PolicyModel
import Testing

@Suite struct PFAnchorBackendTests {
    var facts: HostFacts {
        var facts = PolicyFixture.facts
        facts.platform = .macOS
        facts.homeDirectory = "/Users/agent"
        return facts
    }

    func anchor(_ mode: NetworkPolicy.Mode, proxyPort: UInt16? = 8080, user: String = "_mino_agent") throws -> PFAnchor?
    {
        let policy = PolicyFixture.policy {
            $0.runtime = Sourced(.native, .builtin)
            $0.network.mode = Sourced(mode, PolicyFixture.origin("network"))
            $0.native.sandboxUser = Sourced(user, PolicyFixture.origin("sandbox-user"))
        }
        return try PFAnchorBackend.sessionAnchor(for: policy, facts: facts, sessionID: "fix-bug", proxyPort: proxyPort)
    }

    @Test func allowlistPassesOnlyTheProxyThenBlocksBothFamilies() throws {
        let anchor = try #require(try anchor(.allowlist))
        #expect(anchor.anchorPath == "mino/session-fix-bug")
        #expect(
            anchor.rendered == """
                # mino session fix-bug: network rules for sandbox user _mino_agent
                pass out quick on lo0 inet proto tcp from any to 127.0.0.1 port 8080 user _mino_agent
                block return out quick inet proto { tcp udp } from any to any user _mino_agent
                block return out quick inet6 proto { tcp udp } from any to any user _mino_agent

                """)
        #expect(anchor.enforcement.first?.element == "network.allowlist")
        #expect(anchor.enforcement.first?.level == .proxy)
    }

    @Test func wildcardRulesSayThatTheProxyNotPfAdmitsThem() throws {
        let policy = PolicyFixture.policy {
            $0.runtime = Sourced(.native, .builtin)
            $0.network.mode = Sourced(.allowlist, PolicyFixture.origin("network"))
            $0.network.rules = [
                NetworkRule(host: .name("github.com"), port: 443, origin: PolicyFixture.origin("exact")),
                NetworkRule(host: .wildcard("githubusercontent.com"), port: 443, origin: PolicyFixture.origin("wild")),
            ]
        }
        let anchor = try #require(
            try PFAnchorBackend.sessionAnchor(for: policy, facts: facts, sessionID: "fix-bug", proxyPort: 8080))
        #expect(
            anchor.rendered.contains(
                "# allow *.githubusercontent.com:443: pf cannot match names; mino's proxy admits names below "
                    + "githubusercontent.com\n"))
        #expect(!anchor.rendered.contains("# allow github.com"))
        var hostile = policy
        hostile.network.rules = [NetworkRule(host: .wildcard("com"), port: 443, origin: .builtin)]
        #expect(throws: DiagnosticError.self) {
            try PFAnchorBackend.sessionAnchor(for: hostile, facts: facts, sessionID: "fix-bug", proxyPort: 8080)
        }
    }

    @Test func noneBlocksEverythingTheUserSends() throws {
        let anchor = try #require(try anchor(.none, proxyPort: nil))
        #expect(
            anchor.rendered == """
                # mino session fix-bug: network rules for sandbox user _mino_agent
                block return out quick inet proto { tcp udp } from any to any user _mino_agent
                block return out quick inet6 proto { tcp udp } from any to any user _mino_agent

                """)
        #expect(!anchor.rendered.contains("pass"))
    }

    @Test func bridgeKeepsTheHostsLocalhostUnreachable() throws {
        let anchor = try #require(try anchor(.bridge, proxyPort: nil))
        #expect(
            anchor.lines.map(\.text).dropFirst() == [
                "block return out quick on lo0 proto { tcp udp } from any to any user _mino_agent"
            ])
        #expect(anchor.enforcement.map(\.element) == ["network.host-localhost"])
    }

    @Test func hostModeHasNothingToEnforce() throws {
        #expect(try anchor(.host) == nil)
    }

    @Test func icmpAndDNSAreReportedAsNotEnforcedRatherThanPretended() throws {
        for mode in [NetworkPolicy.Mode.allowlist, .none] {
            let anchor = try #require(try anchor(mode))
            #expect(!anchor.rendered.contains("icmp"))
            let levels = Dictionary(uniqueKeysWithValues: anchor.enforcement.map { ($0.element, $0.level) })
            #expect(levels["network.icmp"] == .unsupported)
            #expect(levels["network.dns"] == .unsupported)
        }
    }

    @Test(arguments: [UInt16?.none, 0])
    func allowlistWithoutAProxyPortIsAnError(port: UInt16?) {
        do {
            _ = try anchor(.allowlist, proxyPort: port)
            Issue.record("no error")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.map(\.code) == ["backend.missing-proxy-port"])
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: [
        "root", "agent", "0", "1000", "unknown", "_mino agent", "_mino\nagent", "{ all }", "a;b", "-x", "", "u$(id)",
        "\"q\"", String(repeating: "a", count: 65),
    ])
    func sandboxUsersThatCannotBeSafelyInterpolatedAreRefused(user: String) {
        do {
            _ = try anchor(.none, user: user)
            Issue.record("accepted \(user)")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.map(\.code) == ["backend.invalid-user-name"])
            #expect(error.diagnostics.allSatisfy { !$0.message.contains("\n") })
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func pfConfReferencesAreInPfsRequiredOrder() {
        let reference = PFAnchorBackend.pfConfReference()
        #expect(
            reference.rendered == """
                scrub-anchor "mino/*"
                nat-anchor "mino/*"
                rdr-anchor "mino/*"
                dummynet-anchor "mino/*"
                anchor "mino/*"
                load anchor "mino" from "/etc/pf.anchors/mino"

                """)
        #expect(reference.anchorFile == "/etc/pf.anchors/mino")
        #expect(reference.anchorFileContent.hasPrefix("#"))
    }

    /// macOS's stock /etc/pf.conf (comments shortened).
    static let stockPFConf = """
        # Default PF configuration file.
        scrub-anchor "com.apple/*"
        nat-anchor "com.apple/*"
        rdr-anchor "com.apple/*"
        dummynet-anchor "com.apple/*"
        anchor "com.apple/*"
        load anchor "com.apple" from "/etc/pf.anchors/com.apple"

        """

    @Test func referencesGoAfterTheirKindInTheStockPfConf() {
        let merged = PFAnchorBackend.pfConfReference().applied(to: Self.stockPFConf)
        #expect(
            merged == """
                # Default PF configuration file.
                scrub-anchor "com.apple/*"
                scrub-anchor "mino/*"
                nat-anchor "com.apple/*"
                nat-anchor "mino/*"
                rdr-anchor "com.apple/*"
                rdr-anchor "mino/*"
                dummynet-anchor "com.apple/*"
                dummynet-anchor "mino/*"
                anchor "com.apple/*"
                anchor "mino/*"
                load anchor "com.apple" from "/etc/pf.anchors/com.apple"
                load anchor "mino" from "/etc/pf.anchors/mino"

                """)
        #expect(PFAnchorBackend.pfConfReference().applied(to: merged) == merged)
    }

    @Test func referencesKeepTheirOrderInAFileWithoutAnchors() {
        let merged = PFAnchorBackend.pfConfReference().applied(to: "set skip on lo0\n")
        #expect(merged == "set skip on lo0\n" + PFAnchorBackend.pfConfReference().rendered)
        let filterOnly = PFAnchorBackend.pfConfReference().applied(to: "scrub-anchor \"x/*\"\npass all\n")
        #expect(filterOnly.hasPrefix("scrub-anchor \"x/*\"\nscrub-anchor \"mino/*\"\nnat-anchor"))
    }

    @Test func linesCarryTheirOrigins() throws {
        let anchor = try #require(try anchor(.none))
        #expect(anchor.lines[0].origin == PolicyFixture.origin("sandbox-user"))
        #expect(anchor.lines[1].origin == PolicyFixture.origin("network"))
        #expect(anchor.rendered == anchor.lines.map(\.text).joined(separator: "\n") + "\n")
    }
}
