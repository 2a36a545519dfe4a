import Diagnostics
import PolicyModel
import TOML

/// Decides which settings of a project's `.mino.toml` may apply without the user's approval.
///
/// A repository is untrusted input: its policy file may only narrow the user's own policy
/// (built-in defaults, global config, environment and flags). Each project setting is compared
/// with the user's effective value:
/// - equal values and harmless keys apply;
/// - `strictWhen` keys apply only at their strict value (`audit_log = true`, `network = "none"`);
/// - limits apply when at or below the user's (0 means unlimited);
/// - the network keys are judged together: they apply when the resulting network is at least
///   as closed as the user's (none < allowlist ⊂ user's allowlist < bridge < host), a rule
///   counting as inside the user's allowlist when the user has it or a `*.domain` rule above
///   it on the same port;
/// - user-only keys (`[network]`) never apply from a project file, approved or not (the decoder
///   already refuses them with an error);
/// - everything else widens (allowed hosts, volumes, environment, credentials options, images,
///   layers, runtime, sensitive-path allowances) and is held back until that exact file content
///   is approved.
public enum TrustGate {
    /// A project setting held back.
    public struct Widening: Sendable {
        /// The project's setting (value and span).
        public let setting: ConfigSetting
        /// The user's effective setting it would replace, if any.
        public let userSetting: ConfigSetting?

        /// The user's effective value it would replace, if any.
        public var userValue: ConfigValue? { userSetting?.value }
    }

    /// The outcome for one project file.
    public struct Evaluation: Sendable {
        /// The settings that apply without approval, as a layer.
        public let narrowing: ConfigLayer
        /// The settings held back until approval, in file order.
        public let widening: [Widening]
    }

    /// Evaluates `project` against the user's layers (every layer but the project's, in
    /// precedence order).
    public static func evaluate(
        project: ConfigLayer, userLayers: [ConfigLayer], presets: [String: ConfigLayer] = BuiltinPresets.layers
    ) -> Evaluation {
        let user = EffectiveConfig(layers: userLayers)
        var applied = [String: ConfigSetting]()
        var widening = [Widening]()
        let networkNarrows = networkIsNarrowing(project: project, userLayers: userLayers, presets: presets)
        for key in ConfigSchema.keys {
            guard let setting = project[key.name] else { continue }
            // The decoder refuses user-only keys in a project file; a layer built any other way
            // still never applies them, and approval cannot either (they are not offered).
            if key.trust == .userOnly { continue }
            let userSetting = user.setting(key.name)
            let userValue = userSetting?.value
            let narrows: Bool
            if NetworkResolution.keys.contains(key.name) {
                narrows = networkNarrows
            } else if setting.value == userValue {
                narrows = true
            } else {
                switch key.trust {
                case .harmless:
                    narrows = true
                case .widening:
                    narrows = false
                case .strictWhen(let strict):
                    narrows = setting.value == strict
                case .lowerIsStricter:
                    narrows = isLowerOrEqual(setting.value, than: userValue)
                case .userOnly:
                    narrows = false
                }
            }
            if narrows {
                applied[key.name] = setting
            } else {
                widening.append(Widening(setting: setting, userSetting: userSetting))
            }
        }
        let layer = ConfigLayer(kind: .project, source: project.source, version: project.version, settings: applied)
        // In file order, so the warnings read top to bottom like the file.
        let ordered = widening.enumerated().sorted { lhs, rhs in
            let left = lhs.element.setting.origin.fileSpan?.span.start ?? Int.max
            let right = rhs.element.setting.origin.fileSpan?.span.start ?? Int.max
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
        return Evaluation(narrowing: layer, widening: ordered)
    }

    /// For limits where 0 means "no limit".
    static func isLowerOrEqual(_ value: ConfigValue, than user: ConfigValue?) -> Bool {
        guard case .integer(let mine) = value, case .integer(let theirs)? = user else { return false }
        if theirs == 0 { return true }
        if mine == 0 { return false }
        return mine <= theirs
    }

    /// Whether the project's network keys leave the network at most as open as the user's.
    static func networkIsNarrowing(
        project: ConfigLayer, userLayers: [ConfigLayer], presets: [String: ConfigLayer]
    ) -> Bool {
        guard NetworkResolution.keys.contains(where: { project[$0] != nil }) else { return true }
        guard let mine = try? NetworkResolution.resolve(EffectiveConfig(layers: userLayers), presets: presets) else {
            return false
        }
        // The project sits above the global config and below environment and flags.
        var combinedLayers = userLayers
        let index =
            combinedLayers.firstIndex { $0.kind == .environment || $0.kind == .commandLine } ?? combinedLayers.count
        combinedLayers.insert(project, at: index)
        guard let combined = try? NetworkResolution.resolve(EffectiveConfig(layers: combinedLayers), presets: presets)
        else {
            // A conflicting project network is an error the compiler will report; it opens nothing.
            return true
        }
        func rank(_ mode: NetworkPolicy.Mode) -> Int {
            switch mode {
            case .none: return 0
            case .allowlist: return 1
            case .bridge: return 2
            case .host: return 3
            }
        }
        let (before, after) = (rank(mine.mode.value), rank(combined.mode.value))
        if after != before { return after < before }
        guard combined.mode.value == .allowlist else { return true }
        let user = Set(mine.rules)
        return combined.rules.allSatisfy { rule in
            user.contains(rule) || mine.rules.contains { isCovered(rule, by: $0) }
        }
    }

    /// Whether every destination `rule` allows is allowed by `wider`: a name or a `*.domain`
    /// below the domain of a wildcard `wider` on the same port (`a.x.test:443` and
    /// `*.a.x.test:443` are covered by `*.x.test:443`; `x.test:443` is not).
    /// Likewise an address or block inside an address block `wider`.
    static func isCovered(_ rule: NetworkRule, by wider: NetworkRule) -> Bool {
        guard rule.port == wider.port else { return false }
        switch (rule.host, wider.host) {
        case (.name(let name), .wildcard(let domain)): return name.hasSuffix("." + domain)
        case (.wildcard(let inner), .wildcard(let domain)): return inner == domain || inner.hasSuffix("." + domain)
        case (.ipv4(let text), .network(let block)), (.ipv6(let text), .network(let block)):
            return IPAddress(text).map(block.contains) ?? false
        case (.network(let inner), .network(let block)): return block.contains(inner)
        default: return false
        }
    }
}
