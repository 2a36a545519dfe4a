import Diagnostics
import Foundation
import Testing

/// JSON strings are written byte by byte: every string decodes back to itself, control
/// characters and DEL are escaped, and everything else passes through unchanged.
@Suite struct JSONStringTests {
    static let samples: [String] = [
        "", "plain", "quote \" and backslash \\", "line\nbreak\r\ttab", "\u{08}\u{0C}",
        String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }), "é ü 日本 🔒", "mino-\u{7F}-\u{1B}[31m",
    ]

    @Test(arguments: samples) func everyStringDecodesBackToItself(sample: String) throws {
        var rendered = ""
        JSONValue.writeString(sample, to: &rendered)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(rendered)]".utf8)) as? [String]
        #expect(decoded == [sample])
        #expect(!rendered.unicodeScalars.dropFirst().dropLast().contains { $0.value < 0x20 || $0.value == 0x7F })
    }

    @Test func controlCharactersUseTheShortOrTheUnicodeEscape() {
        var rendered = ""
        JSONValue.writeString("\n\u{01}\u{7F}\u{1F}", to: &rendered)
        #expect(rendered == "\"\\n\\u0001\\u007f\\u001f\"")
    }
}
