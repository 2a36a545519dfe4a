import Diagnostics
import Testing

/// The one message escaper: what a hostile name can put in a diagnostic stays visible and on
/// one line.
@Suite struct MessageEscapingTests {
    @Test func controlCharactersEscapeSequencesAndBidiOverridesAreMadeVisible() {
        #expect(Diagnostic.shown("a\nb\tc\r\0") == "a\\nb\\tc\\r\\0")
        #expect(Diagnostic.shown("\u{1B}[31mred") == "\\u{1b}[31mred")
        #expect(Diagnostic.shown("abc\u{202E}fdp.exe") == "abc\\u{202e}fdp.exe")
        #expect(Diagnostic.shown("\u{2066}x\u{2069}") == "\\u{2066}x\\u{2069}")
        #expect(Diagnostic.shown("tick`s") == "tick\\`s")
        #expect(Diagnostic.shown("\u{9B}31m") == "\\u{9b}31m")
    }

    @Test func plainTextAndOtherScriptsPassThrough() {
        #expect(Diagnostic.shown("github.com:443") == "github.com:443")
        #expect(Diagnostic.shown("日本語 é") == "日本語 é")
    }

    @Test func longInputIsShortened() {
        let long = String(repeating: "a", count: 200)
        #expect(Diagnostic.shown(long) == String(repeating: "a", count: Diagnostic.shownLimit) + "…")
        #expect(Diagnostic.shown(String(repeating: "a", count: Diagnostic.shownLimit)).count == Diagnostic.shownLimit)
    }
}
