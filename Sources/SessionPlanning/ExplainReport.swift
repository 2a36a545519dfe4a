import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// `mino policy explain KEY`: the effective value of one setting and every layer that set it,
/// lowest precedence first, with where each value was written.
package enum ExplainReport {
    /// The report, or a diagnostic for an unknown key (with a suggestion).
    package static func render(key name: String, config: EffectiveConfig, keyOrigin: Origin?) throws(DiagnosticError)
        -> String
    {
        guard let key = ConfigSchema.key(named: name) else {
            throw DiagnosticError(
                [
                    .error(
                        "policy.unknown-key", "unknown key `\(name)`", at: keyOrigin,
                        help: NameSuggestion.closest(to: name, in: ConfigSchema.keys.map(\.name)).map {
                            "did you mean `\($0)`?"
                        }
                            ?? "keys look like `container.network`; `mino config show` lists them all")
                ])
        }
        let effective = config.setting(key.name)
        let shown = effective.map { $0.value.redacted(memberOrigins: $0.memberOrigins).tomlText } ?? "(not set)"
        var text = "\(key.name) = \(shown)\n"
        text += "  \(key.summary)\n"
        let history = config.history(key.name)
        if history.isEmpty {
            text += "  no layer sets it\n"
        }
        for (index, entry) in history.enumerated() {
            let marker = index == history.count - 1 ? "effective" : "overridden"
            let value = entry.setting.value.redacted(memberOrigins: entry.setting.memberOrigins).tomlText
            text += "  \(pad(entry.layer.description, 18)) \(pad(value, 28)) "
            text += "\(Provenance.describe(entry.setting.origin))  (\(marker))\n"
        }
        if NetworkResolution.keysForExplain.contains(key.name) {
            do {
                let network = try NetworkResolution.resolve(config)
                var line = "  the network resolves to `\(network.mode.value.rawValue)`"
                if network.mode.value == .allowlist { line += " with \(network.rules.count) rule(s)" }
                text += line + ", decided by \(network.mode.origin.summary)\n"
            } catch {
                text += "  the network settings conflict: \(error.diagnostics.first?.message ?? "")\n"
            }
        }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// How origins are named in plan comments and reports: `from .mino.toml:7`, `preset dev`,
/// `--network-allow`, `$MINO_LAYERS`, `built-in default`.
package enum Provenance {
    /// The option a command-line word belongs to (`--network-allow` for the value word after
    /// it), or `command after --` for the agent command.
    package static func describe(_ position: ArgumentPosition) -> String {
        let words = position.list.arguments
        if let terminator = words.firstIndex(of: "--"), terminator < position.index {
            return "command after --"
        }
        let word = position.token
        if word.hasPrefix("--") { return String(word.prefix { $0 != "=" }) }
        if word.hasPrefix("-") { return String(word.prefix(2)) }
        if position.index > 0, position.index - 1 < words.count, words[position.index - 1].hasPrefix("-") {
            let option = words[position.index - 1]
            return option.hasPrefix("--") ? String(option.prefix { $0 != "=" }) : String(option.prefix(2))
        }
        return "command line"
    }

    package static func describe(_ origin: Origin) -> String {
        switch origin {
        case .builtin:
            return "built-in default"
        case .preset(let name, let location):
            return location.map { "preset \(name) (\($0.file.path):\($0.start.line))" } ?? "preset \(name)"
        case .file(let location):
            return "from \(location.file.path):\(location.start.line)"
        case .argument(let position):
            return describe(position)
        case .environment(let variable):
            return "$\(variable)"
        case .prompt:
            return origin.summary
        }
    }
}
