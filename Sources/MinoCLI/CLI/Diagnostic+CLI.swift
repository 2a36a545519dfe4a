import Diagnostics

/// The command-line message catalogue: every usage error is worded here, once.
///
/// Wording: lowercase, no final period, user input in backticks, the fix in `help`.
extension DiagnosticCode {
    /// An option the command does not know.
    package static let unknownOption: DiagnosticCode = "cli.unknown-option"
    /// An option that needs a value got none.
    package static let missingValue: DiagnosticCode = "cli.missing-value"
    /// A flag was given a value (`--detach=yes`).
    package static let unexpectedValue: DiagnosticCode = "cli.unexpected-value"
    /// A value outside the allowed set or of the wrong form.
    package static let invalidValue: DiagnosticCode = "cli.invalid-value"
    /// A single-value option was given twice.
    package static let duplicateOption: DiagnosticCode = "cli.duplicate-option"
    /// A positional word the command has no place for.
    package static let unexpectedArgument: DiagnosticCode = "cli.unexpected-argument"
    /// A required positional argument is missing.
    package static let missingArgument: DiagnosticCode = "cli.missing-argument"
    /// Two options that exclude each other.
    package static let conflictingOptions: DiagnosticCode = "cli.conflicting-options"
    /// None of a required set of options was given.
    package static let missingOption: DiagnosticCode = "cli.missing-option"
    /// A word that names no subcommand.
    package static let unknownCommand: DiagnosticCode = "cli.unknown-command"
    /// A command that needs a subcommand got none.
    package static let missingSubcommand: DiagnosticCode = "cli.missing-subcommand"
    /// A command this build has no handler for.
    package static let notImplemented: DiagnosticCode = "cli.not-implemented"
}

extension Diagnostic {
    /// A list of names in backticks: "`a`, `b` or `c`".
    package static func alternatives(_ names: [String], conjunction: String = "or") -> String {
        let quoted = names.map { "`\($0)`" }
        guard let last = quoted.last else { return "" }
        guard quoted.count > 1 else { return last }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }

    /// The closest name to `word`, if it is a likely typo. Words far longer than any name are
    /// not compared, which keeps a huge argument from costing a quadratic edit distance.
    package static func suggestion(for word: String, in candidates: [String]) -> String? {
        guard word.utf8.count <= 64 else { return nil }
        return NameSuggestion.closest(to: word, in: candidates)
    }

    package static func unknownOption(_ spelling: String, at origin: Origin, help: String?) -> Diagnostic {
        .error(.unknownOption, "unknown option `\(shown(spelling))`", at: origin, help: help)
    }

    package static func missingValue(for spelling: String, option: OptionSpec, at origin: Origin, nextIsDashed: Bool)
        -> Diagnostic
    {
        let placeholder = "<\(option.kind.valueName ?? "value")>"
        let help =
            nextIsDashed
            ? "to give a value that starts with `-`, attach it: `\(option.displayName)=\(placeholder)`"
            : "write `\(spelling) \(placeholder)`"
        return .error(.missingValue, "missing value for `\(spelling)`", at: origin, help: help)
    }

    package static func unexpectedValue(for spelling: String, at origin: Origin) -> Diagnostic {
        .error(
            .unexpectedValue, "`\(spelling)` does not take a value", at: origin,
            help: "write `\(spelling)` on its own")
    }

    package static func invalidValue(
        _ value: String, for name: String, sensitive: Bool = false, at origin: Origin, help: String
    ) -> Diagnostic {
        let message = sensitive ? "invalid value for `\(name)`" : "invalid value `\(shown(value))` for `\(name)`"
        return .error(.invalidValue, message, at: origin, help: help)
    }

    package static func notAllowed(_ value: String, for name: String, allowed: [String], at origin: Origin)
        -> Diagnostic
    {
        var help = "use \(allowed.count == 1 ? "" : "one of ")\(alternatives(allowed))"
        if let suggestion = suggestion(for: value, in: allowed) {
            help = "did you mean `\(suggestion)`? " + help
        }
        return invalidValue(value, for: name, at: origin, help: help)
    }

    package static func emptyListItem(for name: String, at origin: Origin) -> Diagnostic {
        .error(
            .invalidValue, "empty item in the list given to `\(name)`", at: origin,
            help: "separate items with single commas and leave none empty")
    }

    package static func duplicateOption(_ option: OptionSpec, at origin: Origin, first: Origin) -> Diagnostic {
        .error(
            .duplicateOption, "`\(option.displayName)` was given more than once", at: origin,
            labels: [Diagnostic.Label("first given here", at: first)],
            help: "give `\(option.displayName)` once; the command line never depends on which comes last")
    }

    package static func unexpectedArgument(_ value: String, at origin: Origin, help: String?) -> Diagnostic {
        .error(.unexpectedArgument, "unexpected argument `\(shown(value))`", at: origin, help: help)
    }

    package static func missingArgument(_ argument: ArgumentSpec, command: String, at origin: Origin) -> Diagnostic {
        .error(
            .missingArgument, "missing argument `\(argument.key)`", at: origin,
            help: "`\(command)` needs `\(argument.key)`: \(argument.help.lowercasedFirst)")
    }

    package static func conflictingOptions(_ first: String, _ second: String, at origin: Origin, other: Origin)
        -> Diagnostic
    {
        .error(
            .conflictingOptions, "`\(first)` and `\(second)` cannot be used together", at: origin,
            labels: [Diagnostic.Label("given here", at: other)], help: "remove one of them")
    }

    package static func missingOption(oneOf names: [String], command: String, at origin: Origin) -> Diagnostic {
        .error(
            .missingOption, "`\(command)` needs one of \(alternatives(names))", at: origin,
            help: "add \(alternatives(names)) to say what to do")
    }

    package static func unknownCommand(_ word: String, parent: String, at origin: Origin, help: String) -> Diagnostic {
        .error(.unknownCommand, "unknown subcommand `\(shown(word))` for `\(parent)`", at: origin, help: help)
    }

    package static func missingSubcommand(parent: String, subcommands: [String], helpCommand: String, at origin: Origin)
        -> Diagnostic
    {
        let help =
            subcommands.count <= 8
            ? "add one of \(alternatives(subcommands))"
            : "run `\(helpCommand)` to list them"
        return .error(.missingSubcommand, "`\(parent)` needs a subcommand", at: origin, help: help)
    }

    package static func notImplemented(command: String, available: [String], at origin: Origin?) -> Diagnostic {
        .error(
            .notImplemented, "`\(command)` is not available in this build yet", at: origin,
            help: "this build can run \(alternatives(available, conjunction: "and"))")
    }
}

extension String {
    /// The string with its first character lowercased, for help text quoted inside messages.
    package var lowercasedFirst: String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}
