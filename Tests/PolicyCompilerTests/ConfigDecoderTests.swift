import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct ConfigDecoderTests {
    static func decode(_ text: String, path: String = "config.toml") -> (ConfigLayer?, [Diagnostic]) {
        ConfigDecoder.decode(SourceFile(path: path, text: text), as: .global)
    }

    struct Expectation: Sendable, CustomStringConvertible {
        let input: String
        let code: String
        let message: String
        let help: String?
        let underlined: String
        var description: String { message }
    }

    static let cases: [Expectation] = [
        .init(
            input: "[container]\n1️⃣netwrk = \"none\"\n", code: "policy.unknown-key",
            message: "unknown key `container.netwrk`", help: "did you mean `network`?", underlined: "netwrk"),
        .init(
            input: "[1️⃣contaner]\nimage = \"x\"\n", code: "policy.unknown-key", message: "unknown key `contaner`",
            help: "did you mean `container`?", underlined: "contaner"),
        .init(
            input: "[container]\n1️⃣zzz = 1\n", code: "policy.unknown-key", message: "unknown key `container.zzz`",
            help:
                "valid keys here: `image`, `env`, `volumes`, `network`, `workdir`, `network_allow`, `network_preset`, "
                + "`network_enforcement`, `layers`, `read_only`, `memory_mb`",
            underlined: "zzz"),
        .init(
            input: "[container]\nread_only = 1️⃣\"yes\"\n", code: "policy.wrong-type",
            message: "`container.read_only` must be a boolean, found a string", help: "for example: `read_only = true`",
            underlined: "\"yes\""),
        .init(
            input: "container = 1️⃣5\n", code: "policy.wrong-type",
            message: "`container` must be a table, found an integer",
            help: "write it as a section: `[container]`", underlined: "5"),
        .init(
            input: "[container]\nnetwork = 1️⃣\"brige\"\n", code: "policy.invalid-value",
            message: "`container.network` must be one of \"bridge\", \"host\", \"none\", found \"brige\"",
            help: "did you mean \"bridge\"?", underlined: "\"brige\""),
        .init(
            input: "[credentials.aws]\nsession_duration_secs = 1️⃣60\n", code: "policy.out-of-range",
            message: "`credentials.aws.session_duration_secs` is 60, outside 900-43200",
            help: "use a value from 900 to 43200", underlined: "60"),
        .init(
            input: "[container]\nnetwork_allow = [\"github.com:443\", 1️⃣\"example.com\"]\n",
            code: "policy.invalid-network-rule",
            message: "invalid network rule: `example.com` has no port; write it as host:port",
            help: "write rules as `host:port`, e.g. `github.com:443` or `[2001:db8::1]:443`",
            underlined: "\"example.com\""),
        .init(
            input: "[container]\nnetwork_allow = [1️⃣\"$(curl x):443\"]\n", code: "policy.invalid-network-rule",
            message: "invalid network rule: `$(curl x)` is not a valid host name or IP address",
            help: "write rules as `host:port`, e.g. `github.com:443` or `[2001:db8::1]:443`",
            underlined: "\"$(curl x):443\""),
        .init(
            input: "[container]\nlayers = [1️⃣2]\n", code: "policy.wrong-type",
            message: "`container.layers` must be an array of strings, found an array holding an integer",
            help: "for example: `layers = [\"a\", \"b\"]`", underlined: "2"),
        .init(
            input: "[container.env]\n1️⃣\"BAD NAME\" = \"x\"\n", code: "policy.invalid-value",
            message: "`container.env` entry `BAD NAME` is not a valid environment variable name",
            help: "use letters, digits and `_`, not starting with a digit", underlined: "\"BAD NAME\""),
        .init(
            input: "[sandbox]\npassthrough_paths = [1️⃣\"relative/dir\"]\n", code: "policy.invalid-value",
            message: "`sandbox.passthrough_paths` entry `relative/dir` is not an absolute path",
            help: "write paths starting with `/`", underlined: "\"relative/dir\""),
        .init(
            input: "[container]\nlayers = [1️⃣\"-rf\"]\n", code: "policy.invalid-value",
            message: "`container.layers` entry `-rf` is not a valid layer name",
            help: "use letters, digits, `_` and `-`, not starting with `-`", underlined: "\"-rf\""),
        .init(
            input: "version = 1️⃣2\n", code: "policy.unsupported-version",
            message: "`version = 2` is newer than this mino understands (highest supported: 1)",
            help: "upgrade mino, or write `version = 1`", underlined: "2"),
        .init(
            input: "version = 1️⃣0\n", code: "policy.invalid-version",
            message: "`version = 0` is not a valid schema version",
            help: "write `version = 1`", underlined: "0"),
    ]

    @Test(arguments: cases)
    func diagnosticPointsAtTheMarkedSpan(_ expectation: Expectation) throws {
        let marked = MarkedText(expectation.input)
        let source = SourceFile(path: "config.toml", text: marked.text)
        let (_, diagnostics) = ConfigDecoder.decode(source, as: .project)
        #expect(diagnostics.count == 1)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.code.rawValue == expectation.code)
        #expect(diagnostic.message == expectation.message)
        #expect(diagnostic.help == expectation.help)
        let span = try #require(diagnostic.origin?.fileSpan)
        #expect(span.span.start == marked.offset)
        #expect(source.text(of: span.span) == expectation.underlined)
    }

    @Test func everyProblemInAFileIsReportedInOnePass() {
        let (_, diagnostics) = Self.decode(
            """
            [container]
            netwrk = "none"
            read_only = "yes"
            network_allow = ["a", "b:0"]
            [sesion]
            shell = 1
            """)
        #expect(
            diagnostics.map(\.code.rawValue) == [
                "policy.unknown-key", "policy.wrong-type", "policy.invalid-network-rule",
                "policy.invalid-network-rule", "policy.unknown-key",
            ])
    }

    @Test func validFileDecodesEveryKeyWithItsSpan() throws {
        let text = """
            version = 1
            [container]
            network = "none"
            network_allow = ["github.com:443", "[::1]:8080"]
            [container.env]
            FOO = "bar"
            [credentials.aws]
            enabled = true
            """
        let (layer, diagnostics) = Self.decode(text)
        #expect(diagnostics.isEmpty)
        let decoded = try #require(layer)
        #expect(decoded.version == 1)
        #expect(decoded["container.network"]?.value == .string("none"))
        #expect(decoded["container.network_allow"]?.value == .strings(["github.com:443", "[::1]:8080"]))
        #expect(decoded["container.env"]?.value == .table(["FOO": "bar"]))
        #expect(decoded["credentials.aws.enabled"]?.value == .boolean(true))
        #expect(decoded["container.network"]?.origin.fileSpan?.start == SourceLocation(line: 3, column: 11))
        #expect(decoded["container.network_allow"]?.elementOrigins.count == 2)
    }

    @Test func syntaxErrorsComeBackAsDiagnostics() {
        let (layer, diagnostics) = Self.decode("[container\n")
        #expect(layer == nil)
        #expect(diagnostics.first?.code.rawValue == "toml.unterminated-header")
    }
}

@Suite struct EffectiveConfigTests {
    static func layer(_ text: String, _ kind: ConfigSourceKind) -> ConfigLayer {
        let (layer, diagnostics) = ConfigDecoder.decode(SourceFile(path: "\(kind).toml", text: text), as: kind)
        precondition(diagnostics.isEmpty, "\(diagnostics)")
        return layer ?? ConfigLayer(kind: kind)
    }

    @Test func emptyConfigYieldsTheDocumentedDefaults() {
        let config = EffectiveConfig(layers: [.defaults, Self.layer("", .global)])
        #expect(config.value("container.network") == .string("bridge"))
        #expect(config.value("container.image") == .string("fedora:43"))
        #expect(config.value("general.audit_log") == .boolean(true))
        #expect(config.value("session.shell") == .string("/bin/bash"))
        #expect(config.value("cache.max_total_gb") == .integer(50))
        #expect(
            config.value("sandbox.env_passthrough") == .strings(["ANTHROPIC_API_KEY", "LANG", "LC_ALL", "TZ", "TERM"]))
        #expect(config.value("container.network_preset") == nil)
        #expect(config.setting("container.network")?.origin == .builtin)
    }

    @Test func higherLayersWinPerKeyAndArraysAreReplaced() {
        let global = Self.layer("[container]\nnetwork_allow = [\"a.com:443\", \"b.com:443\"]\nimage = \"g\"\n", .global)
        let project = Self.layer("[container]\nnetwork_allow = [\"c.com:443\"]\n", .project)
        let config = EffectiveConfig(layers: [.defaults, global, project])
        #expect(config.value("container.network_allow") == .strings(["c.com:443"]))
        #expect(config.value("container.image") == .string("g"))
        #expect(config.history("container.network_allow").map(\.layer) == [.builtin, .global, .project])
        #expect(config.history("container.image").map(\.layer) == [.builtin, .global])
    }

    @Test func environmentTablesMergeMemberByMember() {
        let global = Self.layer("[container.env]\nA = \"1\"\nB = \"1\"\n", .global)
        let project = Self.layer("[container.env]\nB = \"2\"\nC = \"2\"\n", .project)
        let config = EffectiveConfig(layers: [.defaults, global, project])
        #expect(config.value("container.env") == .table(["A": "1", "B": "2", "C": "2"]))
    }

    @Test func renderedDefaultsParseBackToTheSameValuesWithoutDiagnostics() throws {
        let config = EffectiveConfig(layers: [.defaults])
        let text = config.renderedTOML()
        let (layer, diagnostics) = ConfigDecoder.decode(SourceFile(path: "show.toml", text: text), as: .global)
        #expect(diagnostics.isEmpty)
        let decoded = try #require(layer)
        for key in ConfigSchema.keys {
            #expect(decoded[key.name]?.value == key.defaultValue, "\(key.name)")
        }
        #expect(text.hasPrefix("version = 1\n\n[general]\nverbose = false\n"))
    }

    @Test func schemaNamesAreUniqueAndDefaultsSatisfyTheirTypes() {
        #expect(Set(ConfigSchema.keys.map(\.name)).count == ConfigSchema.keys.count)
        for key in ConfigSchema.keys {
            guard let value = key.defaultValue else { continue }
            switch (key.type, value) {
            case (.boolean, .boolean), (.string, .string), (.strings, .strings), (.table, .table): break
            case (.choice(let choices), .string(let text)): #expect(choices.contains(text), "\(key.name)")
            case (.integer(let range), .integer(let number)): #expect(range.contains(number), "\(key.name)")
            default: Issue.record("default of \(key.name) does not match its type")
            }
        }
    }
}

@Suite struct NetworkRuleSyntaxTests {
    @Test(arguments: [
        ("github.com:443", "github.com", 443 as UInt16),
        ("  API.GitHub.com:22 ", "api.github.com", 22),
        ("10.0.0.1:8080", "10.0.0.1", 8080),
        ("[2001:DB8::1]:443", "[2001:db8::1]", 443),
        ("[::ffff:10.0.0.1]:80", "[::ffff:10.0.0.1]", 80),
        ("localhost:65535", "localhost", 65535),
    ])
    func acceptsHostsOfEveryKind(_ input: String, _ host: String, _ port: UInt16) throws {
        let (parsedHost, parsedPort) = try NetworkRuleSyntax.parse(input).get()
        #expect(parsedHost.description == host)
        #expect(parsedPort == port)
    }

    @Test(arguments: [
        "github.com", ":443", "github.com:0", "github.com:65536", "github.com:-1", "github.com:44 3", "[::1:443",
        "[::1]443", "2001:db8::1:443", "[not-v6]:443", "-rf.com:443", "a b.com:443", "$(x):443", "a;b:1",
        "exa\nmple.com:443", "[1:2:3:4:5:6:7:8:9]:1", "256.1.1.1.1:80", "127.1:80", "0x7f.1:80",
    ])
    func rejectsMalformedRules(_ input: String) {
        if case .success = NetworkRuleSyntax.parse(input) {
            Issue.record("accepted \(input)")
        }
    }

    @Test func ipv4WithLeadingZerosIsTreatedAsANameOnlyIfValid() {
        #expect(NetworkRuleSyntax.isIPv4("10.0.0.1"))
        #expect(!NetworkRuleSyntax.isIPv4("010.0.0.1"))
        #expect(!NetworkRuleSyntax.isIPv4("1.2.3.256"))
    }
}
