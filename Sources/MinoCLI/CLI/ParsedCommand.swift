import Diagnostics

/// One value from the command line, the environment or a parser default, with where it came
/// from so that later phases can give it an `Origin` in the policy.
public struct ParsedValue: Hashable, Sendable {
    /// The value itself (never redacted: only what diagnostics echo is redacted).
    public let value: String
    /// Where the value was written: a word of argv (or a byte range inside it, for
    /// `--name=value`, `-nvalue` and list items), an environment variable, or `.builtin`.
    public let origin: Origin
    /// For an option given on the command line, the option word itself (`--name`, `-n`, or the
    /// letter in a packed `-dn`); `nil` for positionals, environment values and defaults.
    public let optionOrigin: Origin?

    /// Creates a parsed value.
    public init(value: String, origin: Origin, optionOrigin: Origin? = nil) {
        self.value = value
        self.origin = origin
        self.optionOrigin = optionOrigin
    }

    /// The argv index of the value (0 is the program name), if it came from the command line.
    public var argumentIndex: Int? {
        if case .argument(let position) = origin { return position.index }
        return nil
    }
}

/// The state of a switch the user set, with where it was set.
public struct ParsedFlag: Hashable, Sendable {
    /// `true` for `--github`, `false` for `--no-github` or a false environment value.
    public let isOn: Bool
    /// The option word, or the environment variable.
    public let origin: Origin
}

/// A `KEY=VALUE` value split at the first `=`.
public struct ParsedKeyValue: Hashable, Sendable {
    /// The part before the first `=` (may be empty).
    public let key: String
    /// The part after the first `=` (may contain `=`).
    public let value: String
    /// Where the whole `KEY=VALUE` word was written.
    public let origin: Origin
}

/// The result of parsing a command line that selects a command to run.
///
/// Values are read through typed keys (`parsed.flag(.detach)`, `parsed.values(.env)`); string
/// names stay inside the parser. Options given on the command line win over environment
/// bindings, which win over parser defaults.
public struct ParsedCommand: Sendable {
    /// Canonical names from the root, aliases resolved: `["cache", "clear"]`; `[]` is `mino`.
    public let path: [String]
    /// The selected command.
    public let spec: CommandSpec
    /// The command line as diagnostics echo it (sensitive values hidden).
    public let argumentList: ArgumentList
    /// The word that selected the command, if it was written (not a default subcommand).
    public let commandOrigin: Origin?
    /// The words after `--` for a command with passthrough; empty when there were none.
    public let passthrough: [ParsedValue]
    /// Whether a `--` terminator was given (a bare `--` leaves `passthrough` empty).
    public let hasTerminator: Bool

    /// Options seen, keyed by option; flags are stored as `"true"`/`"false"`.
    package let entries: [OptionKey: [ParsedValue]]
    /// Positional values, keyed by argument.
    package let positionals: [ArgumentKey: [ParsedValue]]
    /// Every option the command accepts (its own and the global ones).
    package let knownOptions: [OptionKey: OptionSpec]

    package init(
        path: [String],
        spec: CommandSpec,
        argumentList: ArgumentList,
        commandOrigin: Origin?,
        passthrough: [ParsedValue],
        hasTerminator: Bool,
        entries: [OptionKey: [ParsedValue]],
        positionals: [ArgumentKey: [ParsedValue]],
        knownOptions: [OptionKey: OptionSpec]
    ) {
        self.path = path
        self.spec = spec
        self.argumentList = argumentList
        self.commandOrigin = commandOrigin
        self.passthrough = passthrough
        self.hasTerminator = hasTerminator
        self.entries = entries
        self.positionals = positionals
        self.knownOptions = knownOptions
    }

    private func recorded(_ key: OptionKey) -> [ParsedValue] {
        assert(knownOptions[key] != nil, "\(key) is not an option of mino \(path.joined(separator: " "))")
        return entries[key] ?? []
    }

    /// Whether a flag is on: given (and not inverted) on the command line or, failing that,
    /// set to a true value in its environment variable.
    public func flag(_ key: OptionKey) -> Bool {
        flagSetting(key)?.isOn ?? false
    }

    /// The setting of a flag or inversion pair, or `nil` when neither the command line nor
    /// the environment said anything, so a configured default can apply.
    public func flagSetting(_ key: OptionKey) -> ParsedFlag? {
        recorded(key).last.map { ParsedFlag(isOn: $0.value == "true", origin: $0.origin) }
    }

    /// How many times a counter was given (`-vvv` is 3).
    public func count(_ key: OptionKey) -> Int {
        recorded(key).count
    }

    /// The value of a single-value option: from the command line, the environment, or the
    /// parser default (origin `.builtin`); `nil` when there is none of those.
    public func value(_ key: OptionKey) -> ParsedValue? {
        if let last = recorded(key).last { return last }
        guard let defaultValue = knownOptions[key]?.defaultValue else { return nil }
        return ParsedValue(value: defaultValue, origin: .builtin)
    }

    /// The string of `value(_:)`.
    public func string(_ key: OptionKey) -> String? {
        value(key)?.value
    }

    /// Every value of a repeating or list option in command-line order, list items split.
    public func values(_ key: OptionKey) -> [ParsedValue] {
        recorded(key)
    }

    /// The strings of `values(_:)`.
    public func strings(_ key: OptionKey) -> [String] {
        values(key).map(\.value)
    }

    /// The values of a `KEY=VALUE` option, each split at its first `=`.
    public func keyValues(_ key: OptionKey) -> [ParsedKeyValue] {
        values(key).compactMap { parsed in
            guard let equals = parsed.value.firstIndex(of: "=") else { return nil }
            return ParsedKeyValue(
                key: String(parsed.value[..<equals]),
                value: String(parsed.value[parsed.value.index(after: equals)...]),
                origin: parsed.origin)
        }
    }

    /// The value of a whole-number option (already checked by the parser).
    public func unsignedInteger(_ key: OptionKey) -> UInt32? {
        string(key).flatMap { UInt32($0) }
    }

    /// Whether an option was given on the command line or through its environment variable.
    public func isPresent(_ key: OptionKey) -> Bool {
        !recorded(key).isEmpty
    }

    /// The value of a single positional argument, if given.
    public func argument(_ key: ArgumentKey) -> ParsedValue? {
        positionals[key]?.first
    }

    /// Every value of a repeating positional argument, in order.
    public func arguments(_ key: ArgumentKey) -> [ParsedValue] {
        positionals[key] ?? []
    }
}
