import Diagnostics

/// One command-line option, declared as data.
///
/// The long name is the key's raw value (`--name`); an optional one-character short name
/// (`-n`) may be added. An option is identified in results by its `key`, never by a string.

public struct OptionSpec: Sendable {
    /// What an option accepts and how repeated uses combine.
    public enum Kind: Hashable, Sendable {
        /// A switch without a value (`--detach`). Repeating it changes nothing.
        case flag
        /// A switch counted each time it appears (`-vvv` is 3).
        case counter
        /// A pair `--github` / `--no-github`. Giving both is a conflict, not "last one wins".
        case inversion
        /// Takes exactly one value (`--name NAME`). Giving it twice is an error.
        case option(valueName: String)
        /// Takes one value per use; uses accumulate (`-e A=1 -e B=2`).
        case repeating(valueName: String)
        /// Takes a comma-separated list per use; uses accumulate (`--layers a,b --layers c`).
        case list(valueName: String)

        /// Whether the option consumes a value.
        public var takesValue: Bool {
            valueName != nil
        }

        /// The placeholder shown in help (`name` for `<name>`), if the option takes a value.
        public var valueName: String? {
            switch self {
            case .flag, .counter, .inversion: return nil
            case .option(let name), .repeating(let name), .list(let name): return name
            }
        }

        /// Whether uses accumulate instead of being limited to one.
        public var accumulates: Bool {
            switch self {
            case .flag, .counter, .repeating, .list: return true
            case .option, .inversion: return false
            }
        }
    }

    /// Syntax a value must have, checked by the parser so the error can point at it.
    public enum ValueFormat: Hashable, Sendable {
        /// Any string.
        case text
        /// A whole number from 0 to 4294967295.
        case unsignedInteger
        /// `KEY=VALUE`, split at the first `=`; the key may be empty, the value may hold `=`.
        case keyValue
    }

    /// The identity of the option in results; its raw value is the long name.
    public let key: OptionKey
    /// The one-character short name, if any (`n` for `-n`).
    public let shortName: Character?
    /// How the option takes values.
    public let kind: Kind
    /// One line of help, no final period.
    public let help: String
    /// A value the parser itself supplies when the option is absent. Only for defaults that
    /// belong to the command line (`--color auto`); defaults that come from configuration use
    /// `defaultDescription`, so that an absent flag never overrides a config file.
    public let defaultValue: String?
    /// How the default is described in help when it is not a literal value.
    public let defaultDescription: String?
    /// The only values accepted, checked by the parser and listed in help and errors.
    public let allowedValues: [String]?
    /// The syntax every value must have.
    public let format: ValueFormat
    /// An environment variable read when the option is absent from the command line.
    public let environment: String?
    /// Parsed but not shown in help.
    public let isHidden: Bool
    /// The value may hold a secret: diagnostics never echo it (`-e TOKEN=…`).
    public let isSensitive: Bool

    /// Declares an option.
    public init(
        _ key: OptionKey,
        short: Character? = nil,
        kind: Kind = .flag,
        help: String,
        defaultValue: String? = nil,
        defaultDescription: String? = nil,
        allowedValues: [String]? = nil,
        format: ValueFormat = .text,
        environment: String? = nil,
        isHidden: Bool = false,
        isSensitive: Bool = false
    ) {
        self.key = key
        self.shortName = short
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription
        self.allowedValues = allowedValues
        self.format = format
        self.environment = environment
        self.isHidden = isHidden
        self.isSensitive = isSensitive
    }

    /// The long name without dashes.
    public var longName: String { key.rawValue }

    /// Every long spelling the option answers to, with dashes: `--github`, `--no-github`.
    public var longSpellings: [String] {
        kind == .inversion ? ["--" + longName, "--no-" + longName] : ["--" + longName]
    }

    /// The preferred spelling in messages: the long name.
    public var displayName: String { "--" + longName }
}

/// A titled set of options, shown as its own section in help.
public struct OptionGroup: Sendable {
    /// The section title (`NETWORK OPTIONS`); `nil` puts the options under `OPTIONS`.
    public let title: String?
    /// The options, in help order.
    public let options: [OptionSpec]

    /// Declares a group.
    public init(title: String?, options: [OptionSpec]) {
        self.title = title
        self.options = options
    }
}

/// A rule between options of a command, checked after parsing.
public enum OptionConstraint: Sendable {
    /// `option` cannot be combined with any of `others`.
    case conflicts(OptionKey, with: [OptionKey])
    /// At least one of the options must be given.
    case atLeastOne(of: [OptionKey])

    /// Every option the constraint names.
    public var keys: [OptionKey] {
        switch self {
        case .conflicts(let key, let others): return [key] + others
        case .atLeastOne(let keys): return keys
        }
    }
}
