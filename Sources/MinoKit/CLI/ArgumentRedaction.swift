import PolicyModel

/// Hides the values of sensitive options (`-e TOKEN=…`) in the copy of the command line that
/// diagnostics echo and that provenance origins point into.
///
/// The scan is lexical and runs over the whole command line before parsing, using every
/// sensitive spelling anywhere in the tree. It may hide a little more than necessary (a value
/// after an unrelated `-e`), never less, so a usage error found early cannot leak a secret
/// written later on the same line. Words after `--` belong to the agent's command and are kept.
struct ArgumentRedaction: Sendable {
    /// The replacement for a hidden value.
    static let placeholder = "<redacted>"

    /// The long names (`env`) and short names (`e`) of sensitive options.
    let longNames: Set<String>
    let shortNames: Set<Character>

    /// Collects the sensitive spellings of a command tree.
    init(tree: CommandSpec) {
        var longNames: Set<String> = []
        var shortNames: Set<Character> = []
        func visit(_ command: CommandSpec) {
            for option in command.options where option.isSensitive {
                longNames.insert(option.longName)
                if let short = option.shortName { shortNames.insert(short) }
            }
            command.subcommands.forEach(visit)
        }
        visit(tree)
        self.longNames = longNames
        self.shortNames = shortNames
    }

    /// The redacted full argument list (program name first) and, per redacted word, the byte
    /// offset where the hidden part starts.
    func redact(programName: String, arguments: [String]) -> (list: ArgumentList, cuts: [Int: Int]) {
        var words = [programName] + arguments
        var cuts: [Int: Int] = [:]
        guard !longNames.isEmpty || !shortNames.isEmpty else { return (ArgumentList(words), cuts) }

        func hide(_ index: Int, from start: Int) {
            guard index < words.count else { return }
            let bytes = Array(words[index].utf8)
            guard start < bytes.count else { return }
            let value = bytes[start...]
            let keep = value.firstIndex(of: UInt8(ascii: "=")).map { $0 + 1 } ?? start
            words[index] = String(decoding: bytes[..<keep], as: UTF8.self) + ArgumentRedaction.placeholder
            cuts[index] = keep
        }

        var index = 1
        while index < words.count {
            let word = words[index]
            if word == "--" { break }
            let bytes = Array(word.utf8)
            if bytes.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                let token = ArgumentToken(index: index, text: word, kind: .longOption)
                let parts = token.longParts
                if longNames.contains(parts.name) {
                    if let range = parts.valueRange {
                        hide(index, from: range.lowerBound)
                    } else {
                        hide(index + 1, from: 0)
                        index += 1
                    }
                }
            } else if bytes.first == UInt8(ascii: "-"), bytes.count > 1 {
                let token = ArgumentToken(index: index, text: word, kind: .shortGroup)
                for (letter, range) in token.shortLetters where shortNames.contains(letter) {
                    if range.upperBound < bytes.count {
                        let start =
                            bytes[range.upperBound] == UInt8(ascii: "=") ? range.upperBound + 1 : range.upperBound
                        hide(index, from: start)
                    } else {
                        hide(index + 1, from: 0)
                        index += 1
                    }
                    break
                }
            }
            index += 1
        }
        return (ArgumentList(words), cuts)
    }
}

/// Builds `Origin.argument` values that point into the redacted argument list, translating
/// byte ranges measured on the original words.
struct ArgumentPositions: Sendable {
    /// The list diagnostics echo (sensitive values hidden).
    let list: ArgumentList
    /// Per redacted word, the byte offset where the hidden part starts.
    let cuts: [Int: Int]

    /// The origin of word `index`, or of the byte `range` inside it (measured on the original
    /// word). An index past the end points just after the last word.
    func origin(_ index: Int, _ range: Range<Int>? = nil) -> Origin {
        .argument(position(index, range))
    }

    /// The position of word `index`; see `origin(_:_:)`.
    func position(_ index: Int, _ range: Range<Int>? = nil) -> ArgumentPosition {
        guard let range, index < list.arguments.count else {
            return ArgumentPosition(list: list, index: index)
        }
        var lower = range.lowerBound
        var upper = range.upperBound
        if let cut = cuts[index] {
            let hiddenEnd = cut + ArgumentRedaction.placeholder.utf8.count
            if lower >= cut { lower = cut }
            if upper > cut { upper = hiddenEnd }
        }
        let count = list.arguments[index].utf8.count
        lower = min(max(lower, 0), count)
        upper = min(max(upper, lower), count)
        return ArgumentPosition(list: list, index: index, range: lower..<upper)
    }

    /// Just past the last word: where a missing value or argument would go.
    var end: Origin { origin(list.arguments.count) }
}
