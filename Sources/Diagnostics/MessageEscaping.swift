/// The one escaper for user input shown inside a message (between backticks): control
/// characters, escape sequences, bidirectional overrides and backticks are made visible, and
/// long input is shortened, so a hostile name can neither break the one-line rule nor rewrite
/// what the reader sees.
extension Diagnostic {
    /// The longest input shown, in Unicode scalars, before it is shortened with `…`.
    public static let shownLimit = 80

    /// `text` as shown inside a message.
    public static func shown(_ text: String) -> String {
        var output = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == shownLimit { return output + "…" }
            count += 1
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\0": output += "\\0"
            case "`": output += "\\`"
            default:
                if isHidden(scalar) {
                    output += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// Control characters (C0, DEL, C1) and the bidirectional controls that reorder text.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
