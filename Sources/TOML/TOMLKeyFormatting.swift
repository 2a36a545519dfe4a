/// Writes keys and strings in TOML syntax: bare keys where allowed, basic strings otherwise.
public enum TOMLKeyFormatting {
    /// A key segment as TOML: bare when it only holds `A-Za-z0-9_-`, quoted otherwise.
    public static func key(_ name: String) -> String {
        if !name.isEmpty, name.utf8.allSatisfy(TOMLLexer.isBareKeyByte) {
            return name
        }
        return basicString(name)
    }

    /// A dotted key path such as `container.network_allow` or `a."b.c"`.
    public static func path(_ segments: [String]) -> String {
        segments.map(key).joined(separator: ".")
    }

    /// A TOML basic string literal with every character that needs it escaped.
    public static func basicString(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
