import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

/// The user's `[network]` table: decoded and checked in the global config, refused in a project
/// file with file:line:col, never applied from one by the trust gate, compiled into the policy.
@Suite struct NetworkTableTests {
    typealias F = PolicyFixtures

    static let full = """
        [network]
        allow_private = ["10.0.0.0/8", "fd00::/8"]
        dns_servers = ["192.0.2.53", "127.0.0.1:5353", "[2001:db8::53]:53"]
        dns_types = ["TXT", "srv", "TXT"]
        pin_seconds = 120
        pin_grace_seconds = 0
        """

    @Test func theGlobalConfigSetsEveryKeyAndThePolicyCarriesThemWithOrigins() throws {
        let network = try F.compile([F.layer(Self.full, .global, path: "config.toml")]).policy.network
        #expect(network.allowPrivate.map(\.value.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(network.allowPrivate[1].origin.summary == "config.toml:2:32")
        #expect(
            network.dnsServers.map(\.value.description) == ["192.0.2.53:53", "127.0.0.1:5353", "[2001:db8::53]:53"])
        #expect(network.dnsTypes.map(\.value) == ["TXT", "SRV"])
        #expect(network.pinSeconds.value == 120)
        #expect(network.pinSeconds.origin.summary == "config.toml:5:15")
        #expect(network.pinGraceSeconds.value == 0)
    }

    @Test func defaultsAreTheHostsResolversAndAMinuteOfPinning() throws {
        let network = try F.compile([]).policy.network
        #expect(network.allowPrivate.isEmpty)
        #expect(network.dnsServers.isEmpty)
        #expect(network.dnsTypes.isEmpty)
        #expect(network.pinSeconds == Sourced(60, .builtin))
        #expect(network.pinGraceSeconds == Sourced(10, .builtin))
        #expect(network.pinSeconds.origin == .builtin)
    }

    @Test func thePolicyJSONCarriesTheTableWithOrigins() throws {
        let policy = try F.compile([F.layer(Self.full, .global, path: "config.toml")]).policy
        guard case .object(let json) = policy.jsonValue, case .object(let network)? = json["network"] else {
            Issue.record("no network object")
            return
        }
        #expect(
            network["pin_seconds"]
                == .object(["value": .integer(120), "from": .string("config.toml:5:15")]))
        #expect(
            network["allow_private"]
                == .array([
                    .object(["value": .string("10.0.0.0/8"), "from": .string("config.toml:2:18")]),
                    .object(["value": .string("fd00::/8"), "from": .string("config.toml:2:32")]),
                ]))
        #expect(network["dns_types"].map { $0.rendered() }?.contains("\"SRV\"") == true)
        #expect(network["dns_servers"].map { $0.rendered() }?.contains("[2001:db8::53]:53") == true)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        let input: String
        let key: String
        var description: String { input }
    }

    static let projectSettings: [Refusal] = [
        .init(input: "[network]\n1️⃣allow_private = [\"10.0.0.0/8\"]\n", key: "network.allow_private"),
        .init(input: "[network]\n1️⃣dns_servers = [\"192.0.2.53\"]\n", key: "network.dns_servers"),
        .init(input: "[network]\n1️⃣dns_types = [\"TXT\"]\n", key: "network.dns_types"),
        .init(input: "version = 1\n[network]\n1️⃣pin_seconds = 60\n", key: "network.pin_seconds"),
        .init(input: "[network]\n1️⃣pin_grace_seconds = 0\n", key: "network.pin_grace_seconds"),
        .init(input: "network = { 1️⃣pin_seconds = 5 }\n", key: "network.pin_seconds"),
        .init(input: "network.1️⃣dns_types = [\"TXT\"]\n", key: "network.dns_types"),
    ]

    @Test(arguments: projectSettings)
    func aProjectFileCanNeverSetTheTable(_ refusal: Refusal) throws {
        let marked = MarkedText(refusal.input)
        let source = SourceFile(path: ".mino.toml", text: marked.text)
        let (layer, diagnostics) = ConfigDecoder.decode(source, as: .project)
        #expect(diagnostics.count == 1)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.code.rawValue == "policy.user-only-key")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "`\(refusal.key)` can only be set in your own config, not in a project config")
        let span = try #require(diagnostic.origin?.fileSpan)
        #expect(span.span.start == marked.offset)
        #expect(span.file.path == ".mino.toml")
        #expect(layer?[refusal.key] == nil)
        // The same text is fine in the user's own config.
        let (_, global) = ConfigDecoder.decode(SourceFile(path: "config.toml", text: marked.text), as: .global)
        #expect(global.isEmpty, "\(global)")
    }

    @Test func assemblingARunWithSuchAProjectFileFailsAtTheKey() {
        let project = SourceFile(path: ".mino.toml", text: "[network]\nallow_private = [\"0.0.0.0/0\"]\n")
        do {
            _ = try ConfigSources.assemble(
                global: ConfigLayer(kind: .global), project: project, environment: ConfigLayer(kind: .environment),
                flags: ConfigLayer(kind: .commandLine)
            ) { _, _ in .approved }
            Issue.record("assembled")
        } catch {
            #expect(error.diagnostics.map(\.code.rawValue) == ["policy.user-only-key"])
            #expect(error.diagnostics.first?.origin?.summary == ".mino.toml:2:1")
        }
    }

    /// A project layer built by hand (not through the decoder) still never applies the table:
    /// the trust gate drops it, approval does not bring it back, and compilation reads the
    /// table from the user's layers only.
    @Test func noApprovalOrNarrowingValueLetsAProjectLayerSetIt() throws {
        guard let key = ConfigSchema.key(named: "network.allow_private") else {
            Issue.record("no key")
            return
        }
        let setting = ConfigSetting(key: key, value: .strings(["0.0.0.0/0"]), origin: .builtin)
        let project = ConfigLayer(kind: .project, settings: [key.name: setting])
        let evaluation = TrustGate.evaluate(project: project, userLayers: [.defaults])
        #expect(evaluation.widening.isEmpty)
        #expect(evaluation.narrowing.settings.isEmpty)
        for decision in [ConfigSources.TrustDecision.approved, .trustLocal(.builtin), .notApproved] {
            let (applied, _) = ConfigSources.apply(
                project, evaluation: evaluation, file: ".mino.toml", decision: decision)
            #expect(applied[key.name] == nil)
        }
        let compiled = try F.compile([F.layer("", .global), project]).policy.network
        #expect(compiled.allowPrivate.isEmpty)
    }

    struct Invalid: Sendable, CustomStringConvertible {
        let input: String
        let code: String
        let message: String
        let help: String
        var description: String { input }
    }

    static let invalid: [Invalid] = [
        .init(
            input: "[network]\nallow_private = [1️⃣\"10.1.2.3/8\"]\n", code: "policy.invalid-value",
            message: "`network.allow_private` entry `10.1.2.3/8` has bits set past its prefix length",
            help: "write the block's first address: `10.0.0.0/8`"),
        .init(
            input: "[network]\nallow_private = [1️⃣\"10.0.0.1\"]\n", code: "policy.invalid-value",
            message: "`network.allow_private` entry `10.0.0.1` has no prefix length",
            help: "write an address block such as `10.0.0.1/32`"),
        .init(
            input: "[network]\nallow_private = [1️⃣\"fd00::/129\"]\n", code: "policy.invalid-value",
            message: "`network.allow_private` entry `fd00::/129` has an invalid prefix length `129`",
            help: "use a length from 0 to 128, e.g. `10.0.0.0/8`"),
        .init(
            input: "[network]\nallow_private = [1️⃣\"intranet/8\"]\n", code: "policy.invalid-value",
            message: "`network.allow_private` entry `intranet/8` does not start with an IP address (`intranet`)",
            help: "write an address block such as `10.0.0.0/8` or `fd00::/8`"),
        .init(
            input: "[network]\ndns_servers = [1️⃣\"dns.example:53\"]\n", code: "policy.invalid-value",
            message: "`network.dns_servers` entry `dns.example:53` is not an IP address with an optional port",
            help: "write `192.0.2.53`, `192.0.2.53:5353` or `[2001:db8::53]:53`"),
        .init(
            input: "[network]\ndns_servers = [1️⃣\"192.0.2.53:0\"]\n", code: "policy.invalid-value",
            message: "`network.dns_servers` entry `192.0.2.53:0` has an invalid port `0`",
            help: "use a port from 1 to 65535"),
        .init(
            input: "[network]\ndns_types = [1️⃣\"TXTT\"]\n", code: "policy.invalid-value",
            message: "`network.dns_types` entry `TXTT` is not a record type the resolver can forward",
            help: "did you mean `TXT`?"),
        .init(
            input: "[network]\ndns_types = [1️⃣\"AAAA\"]\n", code: "policy.invalid-value",
            message: "`network.dns_types` entry `AAAA` is always answered for allowed names",
            help: "list only further types, e.g. `TXT` or `SRV`"),
        .init(
            input: "[network]\npin_seconds = 1️⃣0\n", code: "policy.out-of-range",
            message: "`network.pin_seconds` is 0, outside 1-86400", help: "use a value from 1 to 86400"),
        .init(
            input: "[network]\npin_grace_seconds = 1️⃣3601\n", code: "policy.out-of-range",
            message: "`network.pin_grace_seconds` is 3601, outside 0-3600", help: "use a value from 0 to 3600"),
        .init(
            input: "[network]\n1️⃣pin_second = 5\n", code: "policy.unknown-key",
            message: "unknown key `network.pin_second`",
            help: "did you mean `pin_seconds`?"),
    ]

    @Test(arguments: invalid)
    func badValuesInTheGlobalConfigPointAtTheElement(_ expectation: Invalid) throws {
        let marked = MarkedText(expectation.input)
        let source = SourceFile(path: "config.toml", text: marked.text)
        let (_, diagnostics) = ConfigDecoder.decode(source, as: .global)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.code.rawValue == expectation.code)
        #expect(diagnostic.message == expectation.message)
        #expect(diagnostic.help == expectation.help)
        #expect(diagnostic.origin?.fileSpan?.span.start == marked.offset)
    }

    @Test func everyResolverEndpointFormReadsBack() throws {
        for (text, expected) in [
            ("192.0.2.53", "192.0.2.53:53"), ("127.0.0.1:5353", "127.0.0.1:5353"),
            ("[2001:db8::53]:53", "[2001:db8::53]:53"), ("2001:DB8::53", "[2001:db8::53]:53"),
            ("[::1]:5353", "[::1]:5353"),
        ] {
            #expect(try ResolverSettingsSyntax.resolverEndpoint(text).get().description == expected, "\(text)")
        }
        for text in ["", "[2001:db8::53]", "[192.0.2.1]:53", "192.0.2.53:", "192.0.2.53:65536", "192.0.2.53:053"] {
            if case .success(let endpoint) = ResolverSettingsSyntax.resolverEndpoint(text) {
                Issue.record("accepted \(text) as \(endpoint)")
            }
        }
    }
}
