import Diagnostics

/// One command-line word, classified without knowing the command tree.
///
/// Classification is purely lexical: whether `--x` is known, or whether a value belongs to
/// an option, is the parser's business. Everything after the first `--` is a plain value.

package struct ArgumentToken: Sendable {
    package enum Kind: Sendable, Equatable {
        /// `--name` or `--name=value`.
        case longOption
        /// `-n`, `-nvalue`, `-abc`.
        case shortGroup
        /// The first bare `--`.
        case terminator
        /// Anything else, including `-` alone and every word after the terminator.
        case value
    }

    /// The index in the full argument list (0 is the program name).
    package let index: Int
    /// The word as given.
    package let text: String
    /// How the word reads.
    package let kind: Kind

    /// Creates a value from its parts.
    package init(index: Int, text: String, kind: Kind) {
        self.index = index
        self.text = text
        self.kind = kind
    }

    /// Splits user arguments (without the program name) into tokens.
    package static func tokenize(_ arguments: [String]) -> [ArgumentToken] {
        var tokens: [ArgumentToken] = []
        tokens.reserveCapacity(arguments.count)
        var afterTerminator = false
        for (offset, text) in arguments.enumerated() {
            let index = offset + 1
            let kind: Kind
            if afterTerminator {
                kind = .value
            } else if text == "--" {
                kind = .terminator
                afterTerminator = true
            } else if text.utf8.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                kind = .longOption
            } else if text.utf8.first == UInt8(ascii: "-"), text.utf8.count > 1 {
                kind = .shortGroup
            } else {
                kind = .value
            }
            tokens.append(ArgumentToken(index: index, text: text, kind: kind))
        }
        return tokens
    }

    /// For a long option: the name without dashes, the value after the first `=` and that
    /// value's byte range inside the word.
    package var longParts: (name: String, value: String?, valueRange: Range<Int>?) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2 else { return ("", nil, nil) }
        if let equals = bytes[2...].firstIndex(of: UInt8(ascii: "=")) {
            let name = String(decoding: bytes[2..<equals], as: UTF8.self)
            let value = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
            return (name, value, (equals + 1)..<bytes.count)
        }
        return (String(decoding: bytes[2...], as: UTF8.self), nil, nil)
    }

    /// For a short group: each character after the dash with its byte range in the word.
    package var shortLetters: [(letter: Character, range: Range<Int>)] {
        let rest = String(decoding: text.utf8.dropFirst(), as: UTF8.self)
        var letters: [(letter: Character, range: Range<Int>)] = []
        var offset = 1
        for letter in rest {
            let length = letter.utf8.count
            letters.append((letter, offset..<(offset + length)))
            offset += length
        }
        return letters
    }

    /// The text from byte `offset` to the end of the word, with its range.
    package func suffix(fromByte offset: Int) -> (text: String, range: Range<Int>) {
        let bytes = Array(text.utf8)
        let start = min(max(offset, 0), bytes.count)
        return (String(decoding: bytes[start...], as: UTF8.self), start..<bytes.count)
    }
}
