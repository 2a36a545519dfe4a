import Diagnostics

/// One positional argument of a command, declared as data.

public struct ArgumentSpec: Sendable {
    /// The identity of the argument in results; also its name in help (`<session>`).
    public let key: ArgumentKey
    /// One line of help, no final period.
    public let help: String
    /// Whether the argument may be left out.
    public let isOptional: Bool
    /// Whether it takes every remaining value (`[<file> ...]`). Must be the last argument.
    public let isRepeating: Bool
    /// The only values accepted, if limited.
    public let allowedValues: [String]?

    /// Declares a positional argument.
    public init(
        _ key: ArgumentKey,
        help: String,
        isOptional: Bool = false,
        isRepeating: Bool = false,
        allowedValues: [String]? = nil
    ) {
        self.key = key
        self.help = help
        self.isOptional = isOptional
        self.isRepeating = isRepeating
        self.allowedValues = allowedValues
    }

    /// How the argument appears in a usage line: `<key>`, `[<key>]`, `[<key> ...]`.
    public var usage: String {
        let base = key.description + (isRepeating ? " ..." : "")
        return isOptional ? "[" + base + "]" : base
    }
}

/// What a command does with the words after `--`: `mino run -- claude --resume`.
public struct PassthroughSpec: Sendable {
    /// The name shown in help (`command` for `<command>`).
    public let valueName: String
    /// One line of help, no final period.
    public let help: String

    /// Declares passthrough after the `--` terminator.
    public init(valueName: String, help: String) {
        self.valueName = valueName
        self.help = help
    }
}
