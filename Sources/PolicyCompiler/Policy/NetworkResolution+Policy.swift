import Diagnostics
import PolicyModel
import TOML

extension NetworkResolution {
    /// The keys of the user's `[network]` table, read only from the user's own layers.
    static let userOnlyKeys = [
        "network.allow_private", "network.dns_servers", "network.dns_types", "network.pin_seconds",
        "network.pin_grace_seconds",
    ]

    /// The whole network policy of `config`: the mode and allowlist (`resolve`), how the
    /// allowlist is enforced, and the session resolver's settings from the user's `[network]`
    /// table. `mino policy query` reads this without compiling the rest of the policy.
    ///
    /// The `[network]` keys are read from the built-in defaults and the global config only,
    /// whatever other layers hold: a project file can never set them (the decoder refuses them,
    /// the trust gate drops them, and this is the last of the three locks), and no flag or
    /// environment variable sets them.
    ///
    /// - Returns: the policy and the warnings of `resolve`.
    /// - Throws: `DiagnosticError` with every problem found.
    public static func policy(_ config: EffectiveConfig, presets: [String: ConfigLayer] = BuiltinPresets.layers)
        throws(DiagnosticError) -> (NetworkPolicy, [Diagnostic])
    {
        var errors = [Diagnostic]()
        var resolved = Result(mode: Sourced(.bridge, .builtin), rules: [], preset: nil, warnings: [])
        do {
            resolved = try resolve(config, presets: presets)
        } catch {
            errors += error.diagnostics
        }
        let enforcementSetting = config.setting("container.network_enforcement")
        var enforcement = Sourced(NetworkPolicy.Enforcement.netns, enforcementSetting?.origin ?? .builtin)
        if case .string(let text)? = enforcementSetting?.value, let value = NetworkPolicy.Enforcement(rawValue: text) {
            enforcement.value = value
        }

        func userSetting(_ name: String) -> ConfigSetting? {
            config.layers.reversed().first { ($0.kind == .builtin || $0.kind == .global) && $0[name] != nil }?[name]
        }
        func elements<T>(_ name: String, _ parse: (String) -> Swift.Result<T, ResolverSettingsSyntax.Failure>)
            -> [Sourced<T>]
        {
            guard let setting = userSetting(name), case .strings(let texts) = setting.value else { return [] }
            var values = [Sourced<T>]()
            for (index, text) in texts.enumerated() {
                let origin = setting.origin(ofElement: index)
                switch parse(text) {
                case .success(let value):
                    values.append(Sourced(value, origin))
                case .failure(let failure):
                    errors.append(
                        .policyInvalidElement(name, value: text, reason: failure.reason, help: failure.help, at: origin)
                    )
                }
            }
            return values
        }
        func seconds(_ name: String, default value: Int) -> Sourced<Int> {
            guard let setting = userSetting(name), case .integer(let number) = setting.value else {
                return Sourced(value, .builtin)
            }
            if case .integer(let range) = setting.key.type, !range.contains(number) {
                errors.append(.policyOutOfRange(name, value: number, range: range, at: setting.origin))
            }
            return Sourced(Int(clamping: number), setting.origin)
        }

        var types = [Sourced<String>]()
        for type in elements("network.dns_types", ResolverSettingsSyntax.recordType)
        where !types.contains(where: { $0.value == type.value }) {
            types.append(type)
        }
        let policy = NetworkPolicy(
            mode: resolved.mode, rules: resolved.rules, preset: resolved.preset, enforcement: enforcement,
            allowPrivate: elements("network.allow_private", ResolverSettingsSyntax.network),
            dnsServers: elements("network.dns_servers", ResolverSettingsSyntax.resolverEndpoint), dnsTypes: types,
            pinSeconds: seconds("network.pin_seconds", default: NetworkPolicy.defaultPinSeconds),
            pinGraceSeconds: seconds("network.pin_grace_seconds", default: NetworkPolicy.defaultPinGraceSeconds))
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return (policy, resolved.warnings)
    }
}
