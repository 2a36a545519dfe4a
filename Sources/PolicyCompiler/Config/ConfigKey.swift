/// How a key set in a repository's `.mino.toml` is treated by the trust gate.
///
/// A project file may only narrow the user's policy; a value that would widen it is ignored
/// until the user approves the exact file.
import Diagnostics
import TOML

public enum TrustClass: Hashable, Sendable {
    /// Harmless either way (e.g. `session.auto_cleanup_hours`): applies without approval.
    case harmless
    /// Any value widens the policy (allowed hosts, volumes, credentials, images…).
    case widening
    /// Narrowing only when set to this value (e.g. `audit_log = true`, `network = "none"`);
    /// any other value widens.
    case strictWhen(ConfigValue)
    /// A limit: a value at or below the user's effective value narrows, above it widens.
    case lowerIsStricter
    /// Only the user's own config may set it (the `[network]` table: how names resolve and what
    /// they may open). A project file that sets it is refused when decoded, with an error at the
    /// key; no approval, `--trust-local` or narrowing value changes that.
    case userOnly
}

/// One key of mino's configuration schema.
public struct ConfigKey: Hashable, Sendable {
    /// The dotted path, e.g. `["container", "network"]`.
    public let path: [String]
    /// The accepted type.
    public let type: ConfigValueType
    /// The built-in default; `nil` for optional keys that are simply absent by default.
    public let defaultValue: ConfigValue?
    /// Further checks on the value.
    public let constraint: ConfigConstraint
    /// How the trust gate treats the key in a project file.
    public let trust: TrustClass
    /// Whether `mino config set` may change it.
    public let settable: Bool
    /// One line for `config set` errors and documentation.
    public let summary: String

    /// Creates a key.
    public init(
        _ path: String, _ type: ConfigValueType, default defaultValue: ConfigValue?,
        constraint: ConfigConstraint = .none, trust: TrustClass, settable: Bool = true, _ summary: String
    ) {
        self.name = path
        self.path = path.utf8.split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
        self.type = type
        self.defaultValue = defaultValue
        self.constraint = constraint
        self.trust = trust
        self.settable = settable
        self.summary = summary
    }

    /// The dotted name, e.g. `container.network`.
    public let name: String
}
