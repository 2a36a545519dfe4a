import Diagnostics
import PolicyModel
import TOML

/// Decides the network mode and allowlist from the configuration layers.
///
/// The three keys `network`, `network_allow` and `network_preset` act as one group: the
/// highest-precedence layer that sets any of them decides, and lower layers' network keys are
/// ignored (so `--network none` on the command line is not undone by an allowlist in a config
/// file, and a project's `network = "none"` is not undone by the user's allowlist). Within the
/// deciding layer:
/// 1. a non-empty `network_allow` gives an allowlist; `network = "none"` beside it is an error,
///    `network = "host"` a warning (replaced by bridge), a `network_preset` beside it a warning
///    (ignored);
/// 2. else a `network_preset` gives an allowlist of the preset's rules, with the same checks;
/// 3. else `network` gives that mode.
/// Without any deciding layer the mode is the built-in default, `bridge`.
public enum NetworkResolution {
    /// The resolved network: mode, rules (deduplicated, in order) and preset.
    public struct Result: Sendable {
        /// The mode.
        public var mode: Sourced<NetworkPolicy.Mode>
        /// The allowlist.
        public var rules: [NetworkRule]
        /// The preset used, if any.
        public var preset: Sourced<String>?
        /// Warnings.
        public var warnings: [Diagnostic]
    }

    static let keys = ["container.network", "container.network_allow", "container.network_preset"]

    /// The keys whose explanation should include the resolved network.
    public static var keysForExplain: [String] { keys }

    /// Resolves the network of `config`; `presets` are the preset layers by name.
    public static func resolve(_ config: EffectiveConfig, presets: [String: ConfigLayer] = BuiltinPresets.layers)
        throws(DiagnosticError) -> Result
    {
        guard let layer = decidingLayer(config) else {
            let mode = config.setting("container.network")
            return Result(
                mode: Sourced(.bridge, mode?.origin ?? .builtin), rules: [], preset: nil, warnings: [])
        }
        let network = layer["container.network"]
        let allow = layer["container.network_allow"].flatMap { setting -> ConfigSetting? in
            if case .strings(let rules) = setting.value, !rules.isEmpty { return setting }
            return nil
        }
        let preset = layer["container.network_preset"]
        var warnings = [Diagnostic]()
        let isCommandLine = layer.kind == .commandLine

        func checkMode(against list: ConfigSetting, what: String) throws(DiagnosticError) {
            guard let network, case .string(let mode) = network.value else { return }
            if mode == "none" {
                let message =
                    isCommandLine
                    ? "`--network none` cannot be combined with \(what == "network_allow" ? "`--network-allow`" : "`--network-preset`"); an allowlist needs bridge networking"
                    : "`network = \"none\"` cannot be combined with `\(what)`; an allowlist needs bridge networking"
                throw DiagnosticError(.networkConflict(message, at: list.origin, other: network.origin))
            }
            if mode == "host" {
                warnings.append(.networkHostOverridden(by: "`\(what)`", at: list.origin, host: network.origin))
            }
        }

        if let allow {
            try checkMode(against: allow, what: "network_allow")
            if let preset {
                warnings.append(.networkPresetIgnored(at: preset.origin, allow: allow.origin))
            }
            let (rules, duplicates) = try rules(from: allow)
            return Result(
                mode: Sourced(.allowlist, allow.origin), rules: rules, preset: nil, warnings: warnings + duplicates)
        }
        if let preset, case .string(let name) = preset.value {
            try checkMode(against: preset, what: "network_preset")
            guard let presetLayer = presets[name], let list = presetLayer["container.network_allow"] else {
                throw DiagnosticError(
                    .policyInvalidChoice(
                        "container.network_preset", value: name, choices: presets.keys.sorted(), at: preset.origin))
            }
            let (rules, duplicates) = try rules(from: list)
            return Result(
                mode: Sourced(.allowlist, preset.origin), rules: rules, preset: Sourced(name, preset.origin),
                warnings: warnings + duplicates)
        }
        if let network, case .string(let text) = network.value, let mode = NetworkPolicy.Mode(rawValue: text),
            mode != .allowlist
        {
            return Result(mode: Sourced(mode, network.origin), rules: [], preset: nil, warnings: warnings)
        }
        return Result(mode: Sourced(.bridge, .builtin), rules: [], preset: nil, warnings: warnings)
    }

    /// The highest layer (not the built-in defaults) that sets any network key meaningfully
    /// (an empty `network_allow` does not count).
    static func decidingLayer(_ config: EffectiveConfig) -> ConfigLayer? {
        config.layers.reversed().first { layer in
            guard layer.kind != .builtin else { return false }
            return keys.contains { name in
                guard let setting = layer[name] else { return false }
                if case .strings(let values) = setting.value { return !values.isEmpty }
                return true
            }
        }
    }

    /// Parses rules, dropping repeats with a warning each.
    static func rules(from setting: ConfigSetting) throws(DiagnosticError) -> ([NetworkRule], [Diagnostic]) {
        guard case .strings(let texts) = setting.value else { return ([], []) }
        var rules = [NetworkRule]()
        var seen = [(rule: NetworkRule, origin: Origin)]()  // few rules: no hashing
        var warnings = [Diagnostic]()
        var errors = [Diagnostic]()
        for (index, text) in texts.enumerated() {
            let origin = setting.origin(ofElement: index)
            switch NetworkRuleSyntax.parse(text) {
            case .failure(let failure):
                errors.append(.policyInvalidNetworkRule(failure.message, at: origin))
            case .success(let (host, port)):
                let rule = NetworkRule(host: host, port: port, origin: origin)
                if let first = seen.first(where: { $0.rule == rule }) {
                    warnings.append(.networkDuplicateRule(rule.description, at: origin, first: first.origin))
                } else {
                    seen.append((rule, origin))
                    rules.append(rule)
                }
            }
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return (rules, warnings)
    }
}
