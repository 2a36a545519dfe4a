import Diagnostics
import PolicyModel
import TOML

/// Configuration layers merged per key, remembering every layer that set each key.
///
/// Precedence is fixed and never depends on argument order: layers are given lowest first
/// (built-in defaults < presets < global config < project config < environment < flags), a
/// higher layer's value replaces a lower one's (arrays are replaced, not concatenated), and
/// table-valued keys such as `container.env` merge member by member.
public struct EffectiveConfig: Sendable {
    /// The layers, lowest precedence first.
    public let layers: [ConfigLayer]
    private let merged: [String: ConfigSetting]

    /// Merges layers given lowest precedence first.
    public init(layers: [ConfigLayer]) {
        self.layers = layers
        var merged = [String: ConfigSetting]()
        for layer in layers {
            for (name, setting) in layer.settings {
                if case .table(let upper) = setting.value, let lower = merged[name], case .table(let base) = lower.value
                {
                    merged[name] = ConfigSetting(
                        key: setting.key, value: .table(base.merging(upper) { $1 }), origin: setting.origin,
                        memberOrigins: lower.memberOrigins.merging(setting.memberOrigins) { $1 })
                } else {
                    merged[name] = setting
                }
            }
        }
        self.merged = merged
    }

    /// The effective setting of a key, if any layer (defaults included) sets it.
    public func setting(_ name: String) -> ConfigSetting? { merged[name] }

    /// The effective value of a key.
    public func value(_ name: String) -> ConfigValue? { merged[name]?.value }

    /// Every layer that set the key, lowest precedence first.
    public func history(_ name: String) -> [(layer: ConfigSourceKind, setting: ConfigSetting)] {
        layers.compactMap { layer in layer.settings[name].map { (layer.kind, $0) } }
    }

    /// The effective configuration as TOML: `version`, then every section in schema order
    /// with every key that has a value. Secret environment values show as `<redacted>`.
    public func renderedTOML() -> String {
        var root = TableBuilder()
        root.set(["version"], .integer(ConfigSchema.currentVersion))
        for key in ConfigSchema.keys {
            if let setting = merged[key.name] {
                root.set(key.path, setting.value.redacted(memberOrigins: setting.memberOrigins).tomlKind)
            }
        }
        return TOMLWriter.document(root.table(definition: .root))
    }
}

/// Builds a nested `TOMLTable` from key paths, keeping insertion order.
private struct TableBuilder {
    private var order: [String] = []
    private var values: [String: TOMLValue.Kind] = [:]
    private var children: [String: TableBuilder] = [:]

    mutating func set(_ path: [String], _ value: TOMLValue.Kind) {
        guard let first = path.first else { return }
        if !order.contains(first) { order.append(first) }
        if path.count == 1 {
            values[first] = value
        } else {
            var child = children[first] ?? TableBuilder()
            child.set(Array(path.dropFirst()), value)
            children[first] = child
        }
    }

    func table(definition: TOMLTable.Definition) -> TOMLTable {
        let entries = order.compactMap { name -> TOMLTable.Entry? in
            let kind: TOMLValue.Kind
            if let value = values[name] {
                kind = value
            } else if let child = children[name] {
                kind = .table(child.table(definition: .header))
            } else {
                return nil
            }
            return TOMLTable.Entry(key: TOMLKey(name: name, span: .point(0)), value: TOMLValue(kind, span: .point(0)))
        }
        return TOMLTable(entries: entries, definition: definition)
    }
}
