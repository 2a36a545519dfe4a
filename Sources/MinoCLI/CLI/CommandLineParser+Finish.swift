import Diagnostics

/// The end of a parse: default subcommands, `mino help …`, positional arguments,
/// environment bindings, then conflicts and "at least one of" rules.
extension ParseState {
    package mutating func finish() throws(CommandLineError) -> ParseOutcome {
        while !current.subcommands.isEmpty {
            guard let name = current.defaultSubcommand, let command = current.subcommand(named: name) else {
                throw missingSubcommand(at: positions.end)
            }
            enter(command, at: nil)
        }
        if chain.count == 2, current.name == CommandLineParser.helpCommandName {
            return try resolveHelp()
        }
        let positionals = try bindPositionals()
        try readEnvironment()
        try checkConstraints()
        return .command(
            ParsedCommand(
                path: path, spec: current, argumentList: positions.list, commandOrigin: commandOrigin,
                passthrough: passthrough, hasTerminator: hasTerminator, entries: entries, positionals: positionals,
                knownOptions: Dictionary(lookup.all.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })))
    }

    /// `mino help cache clear` asks for the help of `mino cache clear`.
    package func resolveHelp() throws(CommandLineError) -> ParseOutcome {
        var command = parser.root
        var names: [String] = []
        for word in positionalWords {
            guard let next = command.subcommand(named: word.text) else {
                let parent = ([parser.programName] + names).joined(separator: " ")
                let candidates = command.subcommands.filter { !$0.isHidden }.flatMap { [$0.name] + $0.aliases }
                let help: String
                if let suggestion = Diagnostic.suggestion(for: word.text, in: candidates) {
                    help = "did you mean `\(suggestion)`?"
                } else if candidates.isEmpty {
                    help = "`\(parent)` has no subcommands"
                } else {
                    help =
                        "the subcommands of `\(parent)` are \(Diagnostic.alternatives(candidates, conjunction: "and"))"
                }
                throw error(.unknownCommand(word.text, parent: parent, at: positions.origin(word.index), help: help))
            }
            names.append(next.name)
            command = next
        }
        return .help(path: names)
    }

    /// Assigns positional words to the command's arguments, in order.
    package func bindPositionals() throws(CommandLineError) -> [ArgumentKey: [ParsedValue]] {
        var result: [ArgumentKey: [ParsedValue]] = [:]
        var remaining = positionalWords[...]
        for argument in current.arguments {
            var taken: [ArgumentToken] = []
            if argument.isRepeating {
                taken = Array(remaining)
                remaining = []
            } else if let word = remaining.popFirst() {
                taken = [word]
            }
            if taken.isEmpty, !argument.isOptional {
                throw error(.missingArgument(argument, command: commandName, at: positions.end))
            }
            for word in taken {
                let origin = positions.origin(word.index)
                if let allowed = argument.allowedValues, !allowed.contains(word.text) {
                    throw error(.notAllowed(word.text, for: argument.key.description, allowed: allowed, at: origin))
                }
                result[argument.key, default: []].append(ParsedValue(value: word.text, origin: origin))
            }
        }
        if let extra = remaining.first {
            let help: String
            if current.passthrough != nil, !hasTerminator {
                help =
                    "to pass it to the command, put it after `--`: `\(commandName) -- \(Diagnostic.shown(extra.text))`"
            } else if current.arguments.isEmpty {
                help = "`\(commandName)` takes no arguments"
            } else {
                let names = current.arguments.map(\.key.description)
                help = "`\(commandName)` takes only \(Diagnostic.alternatives(names, conjunction: "and"))"
            }
            throw error(.unexpectedArgument(extra.text, at: positions.origin(extra.index), help: help))
        }
        return result
    }

    /// Whether an environment value reads as true: unset, empty, `0`, `f`, `false`, `n`,
    /// `no` and `off` (any case) are false, anything else is true.
    package static func isTruthy(_ raw: String) -> Bool {
        !["", "0", "f", "false", "n", "no", "off"].contains(raw.lowercased())
    }

    /// Fills options absent from the command line from their environment variables.
    package mutating func readEnvironment() throws(CommandLineError) {
        for option in lookup.all where entries[option.key] == nil {
            guard let variable = option.environment, let raw = parser.environment[variable], !raw.isEmpty else {
                continue
            }
            let origin = Origin.environment(variable: variable)
            switch option.kind {
            case .counter:
                continue
            case .flag, .inversion:
                let isOn = Self.isTruthy(raw)
                if isOn || option.kind == .inversion {
                    entries[option.key] = [ParsedValue(value: isOn ? "true" : "false", origin: origin)]
                }
            case .option, .repeating:
                try check(raw, for: option, at: origin)
                entries[option.key] = [ParsedValue(value: raw, origin: origin)]
            case .list:
                var items: [ParsedValue] = []
                for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
                    guard !item.isEmpty else { throw error(.emptyListItem(for: option.displayName, at: origin)) }
                    try check(String(item), for: option, at: origin)
                    items.append(ParsedValue(value: String(item), origin: origin))
                }
                entries[option.key] = items
            }
        }
    }

    /// The first use of an option, with the spelling it had.
    package func firstUse(_ key: OptionKey) -> (value: ParsedValue, spelling: String)? {
        guard let first = entries[key]?.first, let option = lookup.all.first(where: { $0.key == key }) else {
            return nil
        }
        let inverted = option.kind == .inversion && first.value == "false"
        return (first, (inverted ? "--no-" : "--") + option.longName)
    }

    /// Checks every constraint of every command on the path.
    package func checkConstraints() throws(CommandLineError) {
        for command in chain {
            for constraint in command.constraints {
                switch constraint {
                case .conflicts(let key, let others):
                    guard let first = firstUse(key) else { continue }
                    for other in others {
                        guard let second = firstUse(other) else { continue }
                        let (earlier, later) =
                            (first.value.argumentIndex ?? -1) <= (second.value.argumentIndex ?? -1)
                            ? (first, second) : (second, first)
                        throw error(
                            .conflictingOptions(
                                earlier.spelling, later.spelling, at: later.value.origin, other: earlier.value.origin))
                    }
                case .atLeastOne(let keys):
                    if keys.allSatisfy({ entries[$0]?.isEmpty ?? true }) {
                        throw error(
                            .missingOption(
                                oneOf: keys.map(\.description), command: commandName,
                                at: commandOrigin ?? positions.end))
                    }
                }
            }
        }
    }
}
