/// Hides values of secret-looking `KEY = value` lines when diagnostics show source context, so
/// a token written in a config file never reaches a terminal or a CI log through an error that
/// happens to point at a neighbouring line.
enum SecretMasking {
    static let replacement = Array("\"<redacted>\"".utf8)

    /// The byte range (relative to the line) of the value to hide, if the line assigns a value
    /// to a key whose last segment looks secret (`API_TOKEN = "…"`, `env.DB_PASSWORD = '…'`).
    static func maskedRange(in line: ArraySlice<UInt8>) -> Range<Int>? {
        let bytes = Array(line)
        var index = 0
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        var lastSegment = [UInt8]()
        skipSpaces()
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                guard let close = bytes[(index + 1)...].firstIndex(of: byte) else { return nil }
                lastSegment = Array(bytes[(index + 1)..<close])
                index = close + 1
            } else {
                let start = index
                while index < bytes.count,
                    bytes[index] == UInt8(ascii: "_") || bytes[index] == UInt8(ascii: "-")
                        || (bytes[index] >= 0x30 && bytes[index] <= 0x39)
                        || (bytes[index] | 0x20 >= 0x61 && bytes[index] | 0x20 <= 0x7A)
                {
                    index += 1
                }
                guard index > start else { return nil }
                lastSegment = Array(bytes[start..<index])
            }
            skipSpaces()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                skipSpaces()
                continue
            }
            guard bytes[index] == UInt8(ascii: "=") else { return nil }
            index += 1
            skipSpaces()
            guard index < bytes.count,
                SecretNames.looksSecret(String(decoding: lastSegment, as: UTF8.self))
            else { return nil }
            return index..<bytes.count
        }
        return nil
    }
}

/// The one rule for names whose values are secret.
public enum SecretNames {
    /// Whether a variable or key name suggests a secret value (`TOKEN`, `SECRET`, `KEY`,
    /// `PASSWORD`, …); such values are never printed, wherever they were written.
    public static func looksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE", "SESSION"]
            .contains { upper.contains($0) }
    }
}
