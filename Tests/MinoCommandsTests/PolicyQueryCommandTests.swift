import Foundation
import Testing

@testable import MinoCLI
@testable import MinoCommands

/// `mino policy query`: the decision and the rule behind it, from the effective configuration,
/// never prompting and never writing the trust store.
@Suite struct PolicyQueryCommandTests {
    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
        try home.write(
            ".config/mino/config.toml",
            """
            [container]
            network_allow = ["github.com:443", "10.0.0.5:22", "[2001:db8::1]:443"]
            [network]
            allow_private = ["10.0.0.0/8"]
            pin_seconds = 30

            """)
    }

    /// The global config as origins show it.
    var config: String { home.path + "/.config/mino/config.toml" }

    func query(_ arguments: [String], input: [String]? = nil) -> MinoRun {
        MinoRun(
            ["policy", "query"] + arguments, environment: ["HOME": home.path], registry: .standard,
            currentDirectory: project, interactiveInput: input)
    }

    @Test func anAllowedNameCitesItsRuleAndExitsZero() {
        let result = query(["github.com:443"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "allowed: github.com:443 by rule github.com:443 (\(config):2:18)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func aDeniedNameSaysNoRuleAllowsItAndExitsOne() {
        let result = query(["evil.test:443"])
        #expect(result.status == 1)
        #expect(result.stdout == "denied: no rule allows evil.test:443\n")
        let port = query(["github.com:22"])
        #expect(port.status == 1)
        #expect(
            port.stdout
                == "denied: no rule allows github.com:22\n"
                + "  only port 443 is allowed, by rule github.com:443 (\(config):2:18)\n")
    }

    @Test func aProjectWildcardAppliesWithItsPosition() throws {
        // An allowlist narrower than the user's bridge… here the user has an allowlist, so the
        // project's wildcard widens it: applied only with --trust-local, with a warning.
        try home.write("src/app/.mino.toml", "version = 1\n[container]\nnetwork_allow = [\"*.allowed.test:443\"]\n")
        let held = query(["a.allowed.test:443"])
        #expect(held.status == 1)
        #expect(held.stderr.contains("warning[trust.widening-ignored]"))
        let trusted = query(["--trust-local", "a.allowed.test:443"])
        #expect(trusted.status == 0)
        #expect(trusted.stdout == "allowed: a.allowed.test:443 by rule *.allowed.test:443 (.mino.toml:3:18)\n")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/mino/trust.json"))
        #expect(query(["--trust-local", "allowed.test:443"]).status == 1)
        #expect(query(["--trust-local", "allowed.test.evil.test:443"]).status == 1)
        #expect(query(["--trust-local", "x.y.allowed.test:443"]).status == 0)
    }

    @Test func aProjectFileSettingTheNetworkTableIsRefusedAtTheKey() throws {
        try home.write("src/app/.mino.toml", "version = 1\n[network]\nallow_private = [\"0.0.0.0/0\"]\n")
        let result = query(["github.com:443"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("error[policy.user-only-key]"))
        #expect(result.stderr.contains(".mino.toml:3:1"))
        #expect(result.stdout.isEmpty)
    }

    @Test func addressesNeedALiteralRuleAndTheGuardIsExplained() {
        let literal = query(["10.0.0.5:22"])
        #expect(literal.status == 0)
        #expect(literal.stdout.hasPrefix("allowed: 10.0.0.5:22 by rule 10.0.0.5:22 (\(config):2:36)\n"))
        let loopback = query(["127.0.0.1:80"])
        #expect(loopback.status == 1)
        #expect(loopback.stdout.contains("127.0.0.1 is a loopback address: an allowed name never opens it"))
        let v6 = query(["[2001:db8::1]:443"])
        #expect(v6.status == 0)
        #expect(v6.stdout.hasPrefix("allowed: [2001:db8::1]:443 by rule [2001:db8::1]:443"))
        let bare = query(["2001:db8::1"])
        #expect(bare.status == 0)
        #expect(bare.stdout.hasPrefix("allowed: 2001:db8::1 on port 443\n"))
    }

    @Test func withoutAnAllowlistTheModeDecides() {
        let bridge = query(["--network", "bridge", "evil.test:443"])
        #expect(bridge.status == 0)
        #expect(
            bridge.stdout
                == "allowed: evil.test:443\n  network mode is bridge: every destination is reachable (no allowlist)\n")
        let none = query(["--network", "none", "github.com:443"])
        #expect(none.status == 1)
        #expect(none.stdout.hasPrefix("denied: github.com:443\n"))
        let flagged = query(["--network-allow=*.x.test:443", "a.x.test:443"])
        #expect(flagged.status == 0)
        #expect(flagged.stdout == "allowed: a.x.test:443 by rule *.x.test:443 (--network-allow)\n")
    }

    @Test func jsonCarriesTheDecisionAndTheRule() throws {
        let result = query(["--format", "json", "github.com:443"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["decision"] as? String == "allowed")
        #expect(object["port"] as? Int == 443)
        let rules = try #require(object["rules"] as? [[String: Any]])
        #expect(rules.first?["rule"] as? String == "github.com:443")
        #expect(rules.first?["from"] as? String == "\(config):2:18")
        let denied = query(["--format", "json", "evil.test"])
        #expect(denied.status == 1)
        #expect(denied.stdout.contains("\"decision\": \"denied\""))
    }

    @Test(arguments: ["*.x.test", "*.x.test:443", "a.*.b:1", "x:0", "[::1]x", "-rf"])
    func patternsAndJunkAreUsageErrors(_ destination: String) {
        let result = query(["--", destination])
        #expect(result.status == 64, "\(destination): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingDestinationIsAUsageError() {
        #expect(query([]).status == 64)
        #expect(query(["a.test", "b.test"]).status == 64)
    }

    @Test func helpDescribesTheExitCodes() {
        let help = MinoRun(["policy", "query", "--help"], registry: .standard)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exits 0 when the"))
        #expect(help.stdout.contains("1 when it is denied"))
        #expect(help.stdout.contains("--network-allow"))
    }
}
