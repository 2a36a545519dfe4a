import Diagnostics

/// A self-check of a command tree, run by a unit test so a mistake in a declaration fails the
/// build's tests instead of confusing a user.

extension CommandSpec {
    /// Every problem found in this tree, as one line each naming the command; empty when the
    /// tree is sound.
    ///
    /// Checks: option and subcommand names are well-formed and unique per command (global
    /// options, `--help` and `--version` included), short names are one ASCII letter or digit,
    /// no positional follows a repeating or optional one, every default is an allowed value
    /// of the right form, constraints name options the command has, the default subcommand
    /// exists, and help text is present and has no final period.
    public func validationProblems() -> [String] {
        validationProblems(path: [name], inherited: [])
    }

    private func validationProblems(path: [String], inherited: [OptionSpec]) -> [String] {
        let command = "`\(path.joined(separator: " "))`"
        var problems: [String] = []
        func problem(_ text: String) { problems.append("\(command): \(text)") }

        Self.checkText(abstract, what: "abstract", report: problem)
        let visible = optionGroups.flatMap(\.options) + globalOptionGroups.flatMap(\.options) + inherited
        var spellings: Set<String> = ["--help", "--version", "-h", "-V"]
        for option in visible {
            for spelling in option.longSpellings + (option.shortName.map { ["-" + String($0)] } ?? []) {
                if !spellings.insert(spelling).inserted { problem("`\(spelling)` is declared twice") }
            }
        }
        for option in optionGroups.flatMap(\.options) + globalOptionGroups.flatMap(\.options) {
            Self.check(option, report: problem)
        }
        for group in optionGroups + globalOptionGroups where group.title?.isEmpty == true {
            problem("an option group has an empty title")
        }

        var argumentKeys: Set<ArgumentKey> = []
        var sawOptional = false
        var sawRepeating = false
        for argument in arguments {
            if !argumentKeys.insert(argument.key).inserted { problem("argument \(argument.key) is declared twice") }
            if sawRepeating { problem("argument \(argument.key) follows a repeating argument") }
            if sawOptional, !argument.isOptional {
                problem("required argument \(argument.key) follows an optional one")
            }
            sawOptional = sawOptional || argument.isOptional
            sawRepeating = sawRepeating || argument.isRepeating
            Self.checkText(argument.help, what: "help of \(argument.key)", report: problem)
            if let allowed = argument.allowedValues, allowed.isEmpty || Set(allowed).count != allowed.count {
                problem("argument \(argument.key) has empty or repeated allowed values")
            }
        }
        if let passthrough {
            Self.checkText(passthrough.help, what: "passthrough help", report: problem)
        }

        let available = Set(visible.map(\.key))
        for constraint in constraints {
            for key in constraint.keys where !available.contains(key) {
                problem("a constraint names `\(key)`, which the command does not have")
            }
        }

        if !subcommands.isEmpty, !arguments.isEmpty || passthrough != nil {
            problem("a command with subcommands cannot take positional arguments or `--` passthrough")
        }
        var words: Set<String> = []
        for sub in subcommands {
            for word in [sub.name] + sub.aliases {
                if !words.insert(word).inserted { problem("subcommand name `\(word)` is used twice") }
                if word.isEmpty || word.hasPrefix("-") || word.contains(" ") {
                    problem("subcommand name `\(word)` is not a plain word")
                }
            }
        }
        if let defaultSubcommand {
            if let sub = subcommand(named: defaultSubcommand) {
                if sub.arguments.contains(where: { !$0.isOptional }) || !sub.subcommands.isEmpty {
                    problem("default subcommand `\(defaultSubcommand)` cannot run without more words")
                }
            } else {
                problem("default subcommand `\(defaultSubcommand)` does not exist")
            }
        }

        let passedDown = inherited + globalOptionGroups.flatMap(\.options)
        for sub in subcommands {
            problems += sub.validationProblems(path: path + [sub.name], inherited: passedDown)
        }
        return problems
    }

    private static func checkText(_ text: String, what: String, report: (String) -> Void) {
        if text.isEmpty { report("\(what) is empty") }
        if text.hasSuffix(".") { report("\(what) ends with a period") }
    }

    private static func check(_ option: OptionSpec, report: (String) -> Void) {
        let name = option.displayName
        let long = option.longName
        if long.isEmpty || long.hasPrefix("-") || long.contains("=") || long.contains(where: \.isWhitespace) {
            report("long name `\(long)` is not a plain word")
        }
        if let short = option.shortName, !(short.isASCII && (short.isLetter || short.isNumber)) {
            report("short name of `\(name)` is not one ASCII letter or digit")
        }
        checkText(option.help, what: "help of `\(name)`", report: report)
        if let variable = option.environment {
            let valid =
                !variable.isEmpty && variable.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
            if !valid { report("environment variable `\(variable)` of `\(name)` is not an upper-case name") }
            if option.kind == .counter { report("counter `\(name)` cannot read an environment variable") }
        }
        if !option.kind.takesValue {
            if option.allowedValues != nil || option.defaultValue != nil || option.format != .text || option.isSensitive
            {
                report("`\(name)` takes no value but declares allowed values, a default, a format or sensitivity")
            }
            return
        }
        if let allowed = option.allowedValues, allowed.isEmpty || Set(allowed).count != allowed.count {
            report("`\(name)` has empty or repeated allowed values")
        }
        if let value = option.defaultValue {
            if let allowed = option.allowedValues, !allowed.contains(value) {
                report("default `\(value)` of `\(name)` is not an allowed value")
            }
            if option.format == .unsignedInteger, UInt32(value) == nil {
                report("default `\(value)` of `\(name)` is not a whole number")
            }
            if option.format == .keyValue, !value.contains("=") {
                report("default `\(value)` of `\(name)` is not KEY=VALUE")
            }
            if option.defaultDescription != nil {
                report("`\(name)` has both a default value and a default description")
            }
        }
    }
}
