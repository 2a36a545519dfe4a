import Diagnostics

/// Hides the values of sensitive options (`-e TOKEN=…`) in the copy of the command line that
/// diagnostics echo and that provenance origins point into.
///
/// Two sources decide what is hidden. The parser records the exact byte span of every
/// sensitive value it reads. When parsing stops early at a usage error, the words it never
/// reached are scanned lexically with every sensitive spelling of the tree; that scan may hide
/// a little more than necessary, never less, so an early error cannot leak a secret written
/// later on the line. Words after `--` belong to the agent's command and are never touched.
/// Only the key of a `KEY=VALUE` stays visible.
package struct ArgumentRedaction: Sendable {
    /// The replacement for a hidden value.
    package static let placeholder = "<redacted>"

    /// The long names (`env`) and short names (`e`) of sensitive options.
    package let longNames: Set<String>
    package let shortNames: Set<Character>

    /// Collects the sensitive spellings of a command tree.
    package init(tree: CommandSpec) {
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

    /// Where hiding starts for a value written at byte `offset` of its word: after the first
    /// `=` of the value, or at the value itself; `nil` for an empty value.
    package static func cut(forValue value: String, at offset: Int) -> Int? {
        guard !value.isEmpty else { return nil }
        let bytes = Array(value.utf8)
        return offset + (bytes.firstIndex(of: UInt8(ascii: "=")).map { $0 + 1 } ?? 0)
    }

    /// The full word list (program name first) with everything from each cut hidden.
    package static func apply(_ cuts: [Int: Int], to words: [String]) -> ArgumentList {
        var words = words
        for (index, cut) in cuts where index < words.count {
            let bytes = Array(words[index].utf8)
            guard cut < bytes.count else { continue }
            words[index] = String(decoding: bytes[..<cut], as: UTF8.self) + placeholder
        }
        return ArgumentList(words)
    }

    /// Cuts for sensitive values found lexically in `words` (program name first) from index
    /// `start` up to the first `--`.
    package func lexicalCuts(in words: [String], from start: Int) -> [Int: Int] {
        var cuts: [Int: Int] = [:]
        func hideValue(of index: Int, from offset: Int) {
            guard index < words.count, words[index] != "--" else { return }
            let value = String(decoding: Array(words[index].utf8).dropFirst(offset), as: UTF8.self)
            if let cut = Self.cut(forValue: value, at: offset) { cuts[index] = cut }
        }
        var index = max(start, 1)
        while index < words.count, words[index] != "--" {
            let word = words[index]
            let bytes = Array(word.utf8)
            if bytes.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                let parts = ArgumentToken(index: index, text: word, kind: .longOption).longParts
                if longNames.contains(parts.name) {
                    if let range = parts.valueRange {
                        hideValue(of: index, from: range.lowerBound)
                    } else {
                        hideValue(of: index + 1, from: 0)
                        index += 1
                    }
                }
            } else if bytes.first == UInt8(ascii: "-"), bytes.count > 1 {
                let letters = ArgumentToken(index: index, text: word, kind: .shortGroup).shortLetters
                if let (_, range) = letters.first(where: { shortNames.contains($0.letter) }) {
                    if range.upperBound < bytes.count {
                        let equals = bytes[range.upperBound] == UInt8(ascii: "=")
                        hideValue(of: index, from: range.upperBound + (equals ? 1 : 0))
                    } else {
                        hideValue(of: index + 1, from: 0)
                        index += 1
                    }
                }
            }
            index += 1
        }
        return cuts
    }
}

/// Builds `Origin.argument` values that point into the (redacted) argument list, translating
/// byte ranges measured on the original words.
package struct ArgumentPositions: Sendable {
    /// The list diagnostics echo.
    package let list: ArgumentList
    /// Per redacted word, the byte offset where the hidden part starts.
    package let cuts: [Int: Int]

    /// Creates a value from its parts.
    package init(list: ArgumentList, cuts: [Int: Int]) {
        self.list = list
        self.cuts = cuts
    }

    /// The origin of word `index`, or of the byte `range` inside it (measured on the original
    /// word). An index past the end points just after the last word.
    package func origin(_ index: Int, _ range: Range<Int>? = nil) -> Origin {
        .argument(position(index, range))
    }

    /// The position of word `index`; see `origin(_:_:)`.
    package func position(_ index: Int, _ range: Range<Int>? = nil) -> ArgumentPosition {
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
    package var end: Origin { origin(list.arguments.count) }
}
