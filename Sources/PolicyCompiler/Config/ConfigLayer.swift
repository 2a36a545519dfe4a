import Diagnostics
import PolicyModel
import TOML

/// Where a layer of configuration comes from, in increasing precedence.
public enum ConfigSourceKind: Hashable, Sendable, CustomStringConvertible {
    /// mino's built-in defaults.
    case builtin
    /// A built-in preset.
    case preset(String)
    /// The user's global config file.
    case global
    /// The project's `.mino.toml` (trust-gated).
    case project
    /// `MINO_*` environment variables.
    case environment
    /// Command-line flags.
    case commandLine

    public var description: String {
        switch self {
        case .builtin: return "built-in default"
        case .preset(let name): return "preset \(name)"
        case .global: return "global config"
        case .project: return "project config"
        case .environment: return "environment"
        case .commandLine: return "command line"
        }
    }
}

/// One key's value as set by one layer, with where it was written.
public struct ConfigSetting: Sendable {
    /// The schema key.
    public let key: ConfigKey
    /// The decoded value.
    public let value: ConfigValue
    /// Where the value was written (the key's value span, a flag, a variable…).
    public let origin: Origin
    /// For arrays: where each element was written, index by index.
    public let elementOrigins: [Origin]
    /// For tables: where each member's key was written.
    public let memberOrigins: [String: Origin]

    /// Creates a setting.
    public init(
        key: ConfigKey, value: ConfigValue, origin: Origin, elementOrigins: [Origin] = [],
        memberOrigins: [String: Origin] = [:]
    ) {
        self.key = key
        self.value = value
        self.origin = origin
        self.elementOrigins = elementOrigins
        self.memberOrigins = memberOrigins
    }

    /// Where element `index` of an array value was written (the whole value's origin when
    /// unknown).
    public func origin(ofElement index: Int) -> Origin {
        index < elementOrigins.count ? elementOrigins[index] : origin
    }

    /// Where member `name` of a table value was written.
    public func origin(ofMember name: String) -> Origin {
        memberOrigins[name] ?? origin
    }
}

/// The settings one source provides; keys it does not mention are absent.
public struct ConfigLayer: Sendable {
    /// The kind of source.
    public let kind: ConfigSourceKind
    /// The file, for file-backed layers.
    public let source: SourceFile?
    /// The declared `version`, if any.
    public var version: Int64?
    /// Settings by dotted key name.
    public var settings: [String: ConfigSetting]

    /// Creates a layer.
    public init(
        kind: ConfigSourceKind, source: SourceFile? = nil, version: Int64? = nil,
        settings: [String: ConfigSetting] = [:]
    ) {
        self.kind = kind
        self.source = source
        self.version = version
        self.settings = settings
    }

    /// The setting for a key, if this layer has one.
    public subscript(name: String) -> ConfigSetting? { settings[name] }

    /// The built-in defaults as a layer.
    public static let defaults: ConfigLayer = {
        var settings = [String: ConfigSetting]()
        for key in ConfigSchema.keys {
            if let value = key.defaultValue {
                settings[key.name] = ConfigSetting(key: key, value: value, origin: .builtin)
            }
        }
        return ConfigLayer(kind: .builtin, settings: settings)
    }()
}
