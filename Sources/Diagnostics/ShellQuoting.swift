/// The one place where strings are quoted for a POSIX shell.
///
/// INVARIANT: every string that mino puts into a generated shell script, or echoes as part of a
/// command line, passes through `quote(_:)` or `displayQuote(_:)`. Validation of names that
/// must not look like options lives with the name types, not here.
public enum ShellQuoting {
    /// Bytes that never need quoting in a POSIX shell word.
    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Whether `word` can appear in a shell command line as is.
    public static func needsQuoting(_ word: String) -> Bool {
        word.isEmpty || !word.utf8.allSatisfy(isSafe)
    }

    /// `word` as a single POSIX shell word: unchanged when it only holds safe characters,
    /// otherwise wrapped in single quotes with each `'` written as `'\''`. The result, read by
    /// `sh`, is exactly `word` (newlines and all).
    public static func quote(_ word: String) -> String {
        guard needsQuoting(word) else { return word }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }

    /// `word` as a single fish shell word: in single quotes, where fish reads `\\` and `\'` as
    /// escapes (unlike POSIX shells). Completion scripts for fish use this.
    public static func fishQuote(_ word: String) -> String {
        guard needsQuoting(word) else { return word }
        return "'" + word.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
    }

    /// `word` quoted for display on one line: like `quote(_:)`, but a word holding control
    /// characters is written in `$'…'` form (bash, zsh, ksh) with escapes, so that an echoed
    /// command line never spans lines or moves the cursor.
    public static func displayQuote(_ word: String) -> String {
        let hasControl = word.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard hasControl else { return quote(word) }
        var output = "$'"
        for scalar in word.unicodeScalars {
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "'": output += "\\'"
            case "\\": output += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\x" + (hex.count == 1 ? "0" : "") + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "'"
    }
}

extension String {
    /// Replaces every occurrence of `target` (compared by UTF-8 bytes) with `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let source = Array(utf8)
        let needle = Array(target.utf8)
        var output = [UInt8]()
        output.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            if source[index] == needle[0], index + needle.count <= source.count,
                source[index..<index + needle.count].elementsEqual(needle)
            {
                output.append(contentsOf: replacement.utf8)
                index += needle.count
            } else {
                output.append(source[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
