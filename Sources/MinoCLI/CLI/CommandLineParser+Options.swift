import Diagnostics

/// Reading options: long and short forms, their values, and checks on each value as it is
/// read, so errors come in command-line order.
extension ParseState {
    package mutating func handleLong(at index: Int) throws(CommandLineError) -> Step {
        let token = tokens[index]
        let (name, value, valueRange) = token.longParts
        let spelling = "--" + name
        let nameRange: Range<Int>? = value == nil ? nil : 0..<spelling.utf8.count
        let nameOrigin = positions.origin(token.index, nameRange)

        if name == "help" || name == "version" {
            if let valueRange {
                throw error(.unexpectedValue(for: spelling, at: positions.origin(token.index, valueRange)))
            }
            return .finish(name == "help" ? .help(path: path) : .version)
        }
        guard let (option, inverted) = lookup.long[name] else {
            throw error(.unknownOption(spelling, at: nameOrigin, help: unknownOptionHelp(spelling)))
        }
        guard option.kind.takesValue else {
            if let valueRange {
                throw error(.unexpectedValue(for: spelling, at: positions.origin(token.index, valueRange)))
            }
            try recordSwitch(option, isOn: !inverted, at: nameOrigin)
            return .next(index + 1)
        }
        if let value {
            try recordValue(
                option, spelling: spelling, text: value, index: token.index, range: valueRange, nameOrigin: nameOrigin)
            return .next(index + 1)
        }
        return try takeNextValue(option, spelling: spelling, after: index, nameOrigin: nameOrigin)
    }

    package mutating func handleShort(at index: Int) throws(CommandLineError) -> Step {
        let token = tokens[index]
        // `-network` would read as `-n etwork`; a word that spells a long option with one dash
        // is almost always a typo for `--network`, so it is refused rather than guessed at.
        let body = String(token.text.dropFirst()).split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        if body.count > 1, lookup.long[body] != nil || body == "help" || body == "version" {
            let nameOrigin = positions.origin(token.index, 0..<(body.utf8.count + 1))
            throw error(.unknownOption("-" + body, at: nameOrigin, help: "did you mean `--\(body)`?"))
        }
        let letters = token.shortLetters
        for (letter, range) in letters {
            let spelling = "-" + String(letter)
            let nameOrigin = positions.origin(token.index, letters.count == 1 ? nil : range)
            if letter == "h" { return .finish(.help(path: path)) }
            if letter == "V" { return .finish(.version) }
            guard let option = lookup.short[letter] else {
                var help = unknownOptionHelp(spelling)
                if token.text.utf8.count > 2,
                    let suggestion = Diagnostic.suggestion(for: "-" + token.text, in: lookup.longSpellings)
                {
                    help = "did you mean `\(suggestion)`?"
                }
                throw error(.unknownOption(spelling, at: nameOrigin, help: help))
            }
            guard option.kind.takesValue else {
                try recordSwitch(option, isOn: true, at: nameOrigin)
                continue
            }
            let textCount = token.text.utf8.count
            if range.upperBound < textCount {
                var start = range.upperBound
                if Array(token.text.utf8)[start] == UInt8(ascii: "=") { start += 1 }
                let attached = token.suffix(fromByte: start)
                try recordValue(
                    option, spelling: spelling, text: attached.text, index: token.index, range: attached.range,
                    nameOrigin: nameOrigin)
                return .next(index + 1)
            }
            return try takeNextValue(option, spelling: spelling, after: index, nameOrigin: nameOrigin)
        }
        return .next(index + 1)
    }

    /// Uses the next word as the option's value, unless it is missing or looks like an option.
    package mutating func takeNextValue(_ option: OptionSpec, spelling: String, after index: Int, nameOrigin: Origin)
        throws(CommandLineError) -> Step
    {
        let nextIndex = index + 1
        guard nextIndex < tokens.count, tokens[nextIndex].kind == .value else {
            let nextIsDashed = nextIndex < tokens.count
            throw error(.missingValue(for: spelling, option: option, at: nameOrigin, nextIsDashed: nextIsDashed))
        }
        let next = tokens[nextIndex]
        try recordValue(
            option, spelling: spelling, text: next.text, index: next.index, range: nil, nameOrigin: nameOrigin)
        return .next(nextIndex + 1)
    }

    /// Records a flag, counter or inversion. Both sides of an inversion pair is a conflict.
    package mutating func recordSwitch(_ option: OptionSpec, isOn: Bool, at origin: Origin) throws(CommandLineError) {
        let value = isOn ? "true" : "false"
        if option.kind == .inversion, let earlier = entries[option.key]?.first(where: { $0.value != value }) {
            let given = (isOn ? "--" : "--no-") + option.longName
            let other = (isOn ? "--no-" : "--") + option.longName
            throw error(.conflictingOptions(other, given, at: origin, other: earlier.origin))
        }
        entries[option.key, default: []].append(ParsedValue(value: value, origin: origin, optionOrigin: origin))
    }

    /// Records a value after checking it; list options are split at commas, each item keeping
    /// its own byte range.
    package mutating func recordValue(
        _ option: OptionSpec, spelling: String, text: String, index: Int, range: Range<Int>?, nameOrigin: Origin
    ) throws(CommandLineError) {
        if !option.kind.accumulates, let first = entries[option.key]?.first {
            throw error(.duplicateOption(option, at: nameOrigin, first: first.optionOrigin ?? first.origin))
        }
        if case .list = option.kind {
            let base = range?.lowerBound ?? 0
            var start = 0
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                let length = item.utf8.count
                let itemRange = (base + start)..<(base + start + length)
                let origin = positions.origin(index, itemRange)
                guard !item.isEmpty else { throw error(.emptyListItem(for: option.displayName, at: origin)) }
                try check(String(item), for: option, at: origin)
                entries[option.key, default: []].append(
                    ParsedValue(value: String(item), origin: origin, optionOrigin: nameOrigin))
                start += length + 1
            }
            return
        }
        if option.isSensitive, let cut = ArgumentRedaction.cut(forValue: text, at: range?.lowerBound ?? 0) {
            sensitiveCuts[index] = cut
        }
        let origin = positions.origin(index, range)
        try check(text, for: option, at: origin)
        entries[option.key, default: []].append(ParsedValue(value: text, origin: origin, optionOrigin: nameOrigin))
    }

    /// Checks a value against the option's allowed values and format.
    package func check(_ value: String, for option: OptionSpec, at origin: Origin) throws(CommandLineError) {
        if let allowed = option.allowedValues, !allowed.contains(value) {
            throw error(.notAllowed(value, for: option.displayName, allowed: allowed, at: origin))
        }
        switch option.format {
        case .text:
            break
        case .unsignedInteger:
            if UInt32(value) == nil || value.hasPrefix("+") {
                throw error(
                    .invalidValue(
                        value, for: option.displayName, at: origin,
                        help: "`\(option.displayName)` takes a whole number from 0 to \(UInt32.max)"))
            }
        case .keyValue:
            if !value.contains("=") {
                throw error(
                    .invalidValue(
                        value, for: option.displayName, sensitive: option.isSensitive, at: origin,
                        help: "write `KEY=VALUE`, for example `\(option.displayName) DEBUG=1`"))
            }
        }
    }

    /// The fix for an unknown option: a close spelling, the subcommand that has it, or how to
    /// pass a dashed word as an argument.
    package func unknownOptionHelp(_ spelling: String) -> String? {
        let candidates = lookup.longSpellings + ["--help", "--version"]
        if spelling.hasPrefix("--"), let suggestion = Diagnostic.suggestion(for: spelling, in: candidates) {
            return "did you mean `\(suggestion)`?"
        }
        if let owner = descendant(accepting: spelling) {
            return "`\(spelling)` is an option of `\(owner)`; give it after the subcommand"
        }
        if !current.arguments.isEmpty || current.passthrough != nil {
            return "to pass `\(Diagnostic.shown(spelling))` as an argument, put it after `--`"
        }
        return nil
    }

    /// The first subcommand below the current one that accepts `spelling`.
    package func descendant(accepting spelling: String) -> String? {
        func search(_ command: CommandSpec, _ names: [String]) -> String? {
            for child in command.subcommands {
                let childNames = names + [child.name]
                let accepts = child.optionGroups.flatMap(\.options).contains { option in
                    option.longSpellings.contains(spelling) || option.shortName.map { "-" + String($0) } == spelling
                }
                if accepts { return childNames.joined(separator: " ") }
                if let found = search(child, childNames) { return found }
            }
            return nil
        }
        return search(current, [commandName])
    }
}
