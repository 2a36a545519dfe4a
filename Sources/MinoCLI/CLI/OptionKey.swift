import Diagnostics

/// Names one option of a command in typed accessors such as `parsed.flag(.detach)`.
///
/// The raw value is the option's canonical long name without dashes. It is the only string key
/// of the command line, and it never leaves the parser: commands declare `static let` keys and
/// read results through them.

public struct OptionKey: Hashable, Sendable, CustomStringConvertible {
    /// The canonical long name, e.g. `network-allow`.
    public let rawValue: String

    /// Creates a key from a canonical long name (no leading dashes).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The option as written on the command line: `--network-allow`.
    public var description: String { "--" + rawValue }
}

/// Names one positional argument of a command, e.g. `<session>`.
public struct ArgumentKey: Hashable, Sendable, CustomStringConvertible {
    /// The argument's name as shown in help, without angle brackets.
    public let rawValue: String

    /// Creates a key from the argument's name.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The argument as shown in help: `<session>`.
    public var description: String { "<" + rawValue + ">" }
}
