import Backends
import Diagnostics
import EgressPolicy
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino policy query HOST[:PORT]`: whether the effective policy lets the sandbox reach a
/// destination, and which rule says so (exact or `*.domain`, with the file, line and column it
/// was written at). Loads the configuration as `mino plan` does — global config, the project
/// `.mino.toml` through the trust gate, `MINO_*` and the network flags — never prompting and
/// never writing the trust store. Exit 0 when allowed, 1 when denied, 64 for a bad destination,
/// 65 for an invalid configuration.
enum PolicyQueryCommand: RunnableCommand {
    static let options = OptionGroup(
        title: nil,
        options: [
            OptionSpec(
                .format, kind: .option(valueName: "format"), help: "Output format", defaultValue: "text",
                allowedValues: ["text", "json"]),
            OptionSpec(
                .project, short: "p", kind: .option(valueName: "path"),
                help: "Project directory whose .mino.toml applies", defaultDescription: "the current directory"),
        ])

    static let spec = CommandSpec(
        name: "query",
        abstract: "Show whether and why a destination is allowed",
        discussion: """
            Takes a host name or an IP address with an optional port: example.com:443, a.example.com, \
            10.0.0.1:22, [2001:db8::1]:443. A name is allowed by a rule naming it or by a *.domain rule above \
            it; an address only by a rule naming that address. Without a port, every allowed port is listed. \
            Exits 0 when the destination is allowed and 1 when it is denied.
            """,
        optionGroups: [options, RunOptions.network],
        arguments: [
            ArgumentSpec(
                .host, help: "Destination to check, HOST or HOST:PORT (IPv6 in brackets when a port follows)")
        ],
        constraints: [.conflicts(.networkPreset, with: [.networkAllow])])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        guard let argument = parsed.argument(.host) else { return .usageError }
        let destination: (host: NetworkRule.Host, port: UInt16?)
        switch NetworkRuleSyntax.parseDestination(argument.value) {
        case .success(let parsed): destination = parsed
        case .failure(let failure):
            throw CommandFailure(
                exitCode: .usageError, diagnostics: [.queryInvalidDestination(failure.message, at: argument.origin)])
        }
        let (flags, flagProblems) = networkFlags(parsed)
        if !flagProblems.isEmpty { throw CommandFailure(exitCode: .usageError, diagnostics: flagProblems) }
        let directory = parsed.value(.project).map { project in
            ConfigLocations.absolute(
                ConfigLocations.expandingTilde(
                    project.value, home: ConfigLocations(parsed: parsed, context: context).home),
                from: context.currentDirectory)
        }
        let loaded = try PolicyLoader(parsed: parsed, context: context).load(
            projectDirectory: directory ?? context.currentDirectory, flags: flags)
        let network: NetworkPolicy
        var warnings = loaded.warnings
        do {
            let (policy, found) = try NetworkResolution.policy(loaded.config)
            network = policy
            warnings += found
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        if !warnings.isEmpty {
            context.standardError.write(
                DiagnosticPresentation(parsed: parsed, context: context).renderer.render(warnings))
        }
        let host: String
        switch destination.host {
        case .name(let text), .wildcard(let text), .ipv4(let text), .ipv6(let text): host = text
        case .network(let block):
            throw CommandFailure(
                exitCode: .usageError,
                diagnostics: [
                    .queryInvalidDestination(
                        "`\(block)` is an address block; ask about one address in it",
                        at: parsed.argument(.host)?.origin ?? .builtin)
                ])
        }
        let answer = EgressQuery.evaluate(host: host, port: destination.port, network: network)
        if parsed.string(.format) == "json" {
            context.standardOutput.write(answer.jsonValue.rendered(pretty: true) + "\n")
        } else {
            context.standardOutput.write(text(answer))
        }
        return answer.decision == .allowed ? .success : .failure
    }

    /// `--network`, `--network-allow` and `--network-preset` as a command-line layer, checked
    /// like the same flags of `mino run`.
    private static func networkFlags(_ parsed: ParsedCommand) -> (ConfigLayer, [Diagnostic]) {
        var settings = [String: ConfigSetting]()
        func set(_ name: String, _ value: ConfigValue, _ origin: Origin, elements: [Origin] = []) {
            guard let key = ConfigSchema.key(named: name) else { return }
            settings[name] = ConfigSetting(key: key, value: value, origin: origin, elementOrigins: elements)
        }
        if let network = parsed.value(.network) { set("container.network", .string(network.value), network.origin) }
        let allow = parsed.values(.networkAllow)
        if !allow.isEmpty {
            set("container.network_allow", .strings(allow.map(\.value)), allow[0].origin, elements: allow.map(\.origin))
        }
        if let preset = parsed.value(.networkPreset) {
            set("container.network_preset", .string(preset.value), preset.origin)
        }
        let problems = settings.keys.sorted().flatMap { name in settings[name].map(ConfigValidation.check) ?? [] }
        return (ConfigLayer(kind: .commandLine, settings: settings), problems)
    }

    /// The answer for people: the decision on the first line, then the rules and notes, each
    /// rule with where it was written.
    static func text(_ answer: EgressAnswer) -> String {
        func cited(_ matched: EgressAnswer.MatchedRule) -> String {
            "rule \(matched.rule) (\(matched.rule.origin.summary))"
        }
        var lines = [String]()
        switch answer.mode.value {
        case .bridge, .host:
            lines.append("allowed: \(answer.destination)")
            let mode = answer.mode.value.rawValue
            lines.append("  network mode is \(mode): every destination is reachable (no allowlist)")
        case .none:
            lines.append("denied: \(answer.destination)")
            lines.append("  network mode is none: no destination outside the sandbox is reachable")
        case .allowlist:
            if let first = answer.rules.first {
                if answer.port != nil {
                    lines.append("allowed: \(answer.destination) by \(cited(first))")
                    lines += answer.rules.dropFirst().map { "  also by \(cited($0))" }
                } else {
                    let ports = Set(answer.rules.map(\.rule.port)).sorted().map(String.init).joined(separator: ", ")
                    let noun = Set(answer.rules.map(\.rule.port)).count == 1 ? "port" : "ports"
                    lines.append("allowed: \(answer.destination) on \(noun) \(ports)")
                    lines += answer.rules.map { "  by \(cited($0))" }
                }
            } else {
                lines.append("denied: no rule allows \(answer.destination)")
                lines += answer.otherPorts.map { "  only port \($0.rule.port) is allowed, by \(cited($0))" }
            }
            if case .address(let address) = answer.subject {
                if let refusal = answer.guardRefusal {
                    lines.append(
                        "  \(address) is \(phrase(refusal)): an allowed name never opens it, only a rule naming the address"
                    )
                } else if answer.rules.isEmpty {
                    lines.append("  an address no rule names is reachable only while an allowed name's answer pins it")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The guard's reason as words: `a loopback address`, `a private address`, …
    private static func phrase(_ refusal: AddressRefusal) -> String {
        switch refusal {
        case .loopback: return "a loopback address"
        case .unspecified: return "an unspecified address"
        case .linkLocal: return "a link-local address"
        case .metadata: return "a cloud metadata address"
        case .private: return "a private address"
        case .multicast: return "a multicast address"
        case .broadcast: return "the broadcast address"
        case .reserved: return "a reserved address"
        case .host: return "one of this host's addresses"
        }
    }
}

extension ArgumentKey {
    /// The destination of `mino policy query`.
    static let host = ArgumentKey("host")
}

extension Diagnostic {
    static func queryInvalidDestination(_ message: String, at origin: Origin) -> Diagnostic {
        .error(
            "cli.invalid-destination", "invalid destination: \(message)", at: origin,
            help: "write a host with an optional port: `example.com:443`, `10.0.0.1`, `[2001:db8::1]:443`")
    }
}
