import Diagnostics
import PolicyModel
import TOML
import TestSupport
import Testing

/// Each TOML error kind: code, message, help, where the caret points and what it underlines.
@Suite struct TOMLDiagnosticsTests {
    struct Expectation: Sendable, CustomStringConvertible {
        let input: String
        let code: String
        let message: String
        let help: String
        let underlined: String
        var description: String { code + ": " + message }
    }

    static let numberHelp =
        "numbers look like `42`, `-17`, `1_000`, `0xff`, `0o755`, `0b1010`, `3.14`, `6.02e23`, `inf` or `nan`"
    static let dateHelp =
        "use RFC 3339: `1979-05-27`, `07:32:00`, `1979-05-27T07:32:00` or `1979-05-27T07:32:00-08:00`"
    static let escapeHelp =
        "valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX; a literal string ('...') needs no escapes"

    static let cases: [Expectation] = [
        .init(
            input: "a = 1\n1️⃣a = 2\n", code: "toml.duplicate-key", message: "duplicate key `a`",
            help: "remove one of the two definitions", underlined: "a"),
        .init(
            input: "[server]\nport = 1\n1️⃣port = 2\n", code: "toml.duplicate-key",
            message: "duplicate key `server.port`", help: "remove one of the two definitions", underlined: "port"),
        .init(
            input: "a = \"x1️⃣\\q\"\n", code: "toml.invalid-escape", message: "invalid escape sequence `\\q`",
            help: escapeHelp, underlined: "\\q"),
        .init(
            input: "a = \"1️⃣\\uD800\"\n", code: "toml.invalid-unicode-escape",
            message: "`\\uD800` is not a Unicode scalar value",
            help: "use a code point from U+0000 to U+D7FF or U+E000 to U+10FFFF", underlined: "\\uD800"),
        .init(
            input: "a = \"abc1️⃣\nb = 1\n", code: "toml.unterminated-string", message: "unterminated string",
            help: "close the string on the same line, or use a multi-line string (`\"\"\"` or `'''`)",
            underlined: ""),
        .init(
            input: "a = \"\"\"abc\n1️⃣", code: "toml.unterminated-string",
            message: "unterminated multi-line string",
            help: "close the string with the same three quotes it opened with", underlined: ""),
        .init(
            input: "d = 1️⃣1979-13-27\n", code: "toml.invalid-datetime",
            message: "invalid date or time `1979-13-27`: month 13 is out of range 01-12", help: dateHelp,
            underlined: "1979-13-27"),
        .init(
            input: "d = 1️⃣2023-02-29T10:00:00Z\n", code: "toml.invalid-datetime",
            message: "invalid date or time `2023-02-29T10:00:00Z`: day 29 does not exist in month 2 of 2023",
            help: dateHelp, underlined: "2023-02-29T10:00:00Z"),
        .init(
            input: "t = 1️⃣07:32\n", code: "toml.invalid-datetime",
            message: "invalid date or time `07:32`: expected `:` and seconds after the minute", help: dateHelp,
            underlined: "07:32"),
        .init(
            input: "[a]\nx = 1\n1️⃣[a]\n", code: "toml.table-redefinition",
            message: "table `a` is defined more than once", help: "merge the two sections into one",
            underlined: "[a]"),
        .init(
            input: "a.b = 1\n1️⃣[a]\n", code: "toml.table-redefinition",
            message: "table `a` was already defined by dotted keys",
            help: "write all of its keys in one place, either as dotted keys or under one `[a]` header",
            underlined: "[a]"),
        .init(
            input: "[a.b]\n[a]\n1️⃣b.c = 1\n", code: "toml.table-redefinition",
            message: "dotted keys cannot add to table `a.b` defined in another section",
            help: "add the key in the section where `a.b` is defined", underlined: "b"),
        .init(
            input: "[[a]]\n1️⃣[a]\n", code: "toml.table-redefinition",
            message: "`a` is an array of tables, not a table", help: "use `[[a]]` to add another element",
            underlined: "[a]"),
        .init(
            input: "[a]\n1️⃣[[a]]\n", code: "toml.table-redefinition",
            message: "`a` is a table, not an array of tables", help: "use `[a]` for a table, or rename the array",
            underlined: "[[a]]"),
        .init(
            input: "a = {b = 1}\n[1️⃣a.c]\n", code: "toml.inline-table-immutable",
            message: "cannot add to the inline table `a`",
            help: "an inline table is complete where it is written; add the key inside its braces",
            underlined: "a"),
        .init(
            input: "a = []\n1️⃣[[a]]\n", code: "toml.static-array-append",
            message: "cannot append a table to the array `a`",
            help: "use either `a = [ … ]` or `[[a]]` sections, not both", underlined: "[[a]]"),
        .init(
            input: "a = 1\n1️⃣a.b = 2\n", code: "toml.not-a-table", message: "`a` is an integer, not a table",
            help: "rename one of the keys so they do not clash", underlined: "a"),
        .init(
            input: "a = 1️⃣\n", code: "toml.expected-value", message: "expected a value, found a newline",
            help: "values are strings in quotes, numbers, `true`/`false`, dates, arrays `[…]` or inline tables `{…}`",
            underlined: "\n"),
        .init(
            input: "a = 1️⃣yes\n", code: "toml.expected-value", message: "expected a value, found `y`",
            help: "values are strings in quotes, numbers, `true`/`false`, dates, arrays `[…]` or inline tables `{…}`",
            underlined: "y"),
        .init(
            input: "a 1️⃣1\n", code: "toml.expected-equals", message: "expected `=` after the key, found `1`",
            help: "write key/value pairs as `key = value`", underlined: "1"),
        .init(
            input: "1️⃣= 1\n", code: "toml.expected-key", message: "expected a key, found `=`",
            help: "bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key", underlined: "="),
        .init(
            input: "a = 1 1️⃣b = 2\n", code: "toml.expected-line-end",
            message: "expected the end of the line after the value, found `b`",
            help: "put each key/value pair and table header on its own line", underlined: "b"),
        .init(
            input: "a = [1 1️⃣2]\n", code: "toml.expected-array-separator",
            message: "expected `,` or `]` in the array, found `2`",
            help: "separate array elements with commas and close the array with `]`", underlined: "2"),
        .init(
            input: "a = {b = 11️⃣,}\n", code: "toml.inline-table-trailing-comma",
            message: "trailing comma in an inline table",
            help: "remove the comma before `}`; TOML 1.0 does not allow one there", underlined: ","),
        .init(
            input: "a = {b = 1,1️⃣\nc = 2}\n", code: "toml.inline-table-newline",
            message: "newline inside an inline table",
            help: "keep an inline table on one line, or use a `[table]` section instead", underlined: ""),
        .init(
            input: "a = {b = 1 1️⃣c = 2}\n", code: "toml.expected-inline-table-separator",
            message: "expected `,` or `}` in the inline table, found `c`",
            help: "an inline table stays on one line: `{ key = value, other = value }`", underlined: "c"),
        .init(
            input: "[a1️⃣\n", code: "toml.unterminated-header",
            message: "expected `]` to close the table header, found a newline",
            help: "write table headers as `[name]` and arrays of tables as `[[name]]`", underlined: "\n"),
        .init(
            input: "a = 1️⃣012\n", code: "toml.invalid-number",
            message: "invalid number `012`: leading zeros are not allowed", help: numberHelp, underlined: "012"),
        .init(
            input: "a = 1️⃣1__2\n", code: "toml.invalid-number",
            message: "invalid number `1__2`: underscores must sit between digits", help: numberHelp,
            underlined: "1__2"),
        .init(
            input: "a = 1️⃣1.\n", code: "toml.invalid-number",
            message: "invalid number `1.`: expected digits after the decimal point", help: numberHelp,
            underlined: "1."),
        .init(
            input: "a = 1️⃣+0x1f\n", code: "toml.invalid-number",
            message: "invalid number `+0x1f`: hexadecimal, octal and binary integers cannot have a sign",
            help: numberHelp, underlined: "+0x1f"),
        .init(
            input: "a = 1️⃣9223372036854775808\n", code: "toml.integer-overflow",
            message: "integer `9223372036854775808` does not fit in 64 bits",
            help: "integers range from -9223372036854775808 to 9223372036854775807",
            underlined: "9223372036854775808"),
        .init(
            input: "# note1️⃣\u{01}\n", code: "toml.control-character",
            message: "control character U+0001 is not allowed in a comment",
            help: "write it as an escape such as `\\u0001` in a basic string", underlined: "\u{01}"),
        .init(
            input: "a = 11️⃣\rb = 2\n", code: "toml.bare-carriage-return",
            message: "a carriage return must be followed by a line feed", help: "use LF or CRLF line endings",
            underlined: "\r"),
        .init(
            input: "a = " + String(repeating: "[", count: 128) + "1️⃣" + String(repeating: "[", count: 72),
            code: "toml.nesting-too-deep",
            message: "arrays and inline tables are nested more than 128 levels deep", help: "flatten the structure",
            underlined: "["),
    ]

    @Test(arguments: cases)
    func errorPointsAtTheMarkedBytes(_ expectation: Expectation) throws {
        let marked = MarkedText(expectation.input)
        let source = SourceFile(path: "policy.toml", text: marked.text)
        do {
            _ = try TOMLParser.parse(source)
            Issue.record("parsed without error")
        } catch {
            #expect(error.diagnostics.count == 1)
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.code.rawValue == expectation.code)
            #expect(diagnostic.message == expectation.message)
            #expect(diagnostic.help == expectation.help)
            let location = try #require(diagnostic.origin?.fileSpan)
            #expect(location.span.start == marked.offset)
            #expect(source.text(of: location.span) == expectation.underlined)
        }
    }

    @Test func invalidUTF8PointsAtTheFirstBadByte() throws {
        let bytes = Array("a = \"ok\"\nb = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let source = SourceFile(path: "policy.toml", bytes: bytes)
        let error = try #require(throws: DiagnosticError.self) { try TOMLParser.parse(source) }
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.code.rawValue == "toml.invalid-utf8")
        #expect(diagnostic.origin?.fileSpan?.start == SourceLocation(line: 2, column: 6))
    }

    @Test func redefinitionLabelsTheFirstDefinition() throws {
        let source = SourceFile(path: "policy.toml", text: "[a]\nx = 1\n\n[a]\n")
        let error = try #require(throws: DiagnosticError.self) { try TOMLParser.parse(source) }
        let label = try #require(error.diagnostics.first?.labels.first)
        #expect(label.origin.fileSpan?.start == SourceLocation(line: 1, column: 1))
        #expect(label.message == "`a` is first defined here")
    }

    @Test func humanRenderingShowsContextCaretsNotesAndHelp() throws {
        let source = SourceFile(path: "policy.toml", text: "[container]\nnetwork = \"bridge\"\nnetwork = \"none\"\n")
        let error = try #require(throws: DiagnosticError.self) { try TOMLParser.parse(source) }
        let text = DiagnosticRenderer(format: .human).render(error.diagnostics)
        #expect(
            text == """
                error[toml.duplicate-key]: duplicate key `container.network`
                 --> policy.toml:3:1
                  |
                2 | network = "bridge"
                3 | network = "none"
                  | ^^^^^^^
                  = note: policy.toml:2:1: `container.network` is first defined here
                  = help: remove one of the two definitions

                """)
        let plain = DiagnosticRenderer(format: .plain).render(error.diagnostics)
        #expect(
            plain
                == "policy.toml:3:1: error[toml.duplicate-key]: duplicate key `container.network` "
                + "(help: remove one of the two definitions)\n")
    }

    @Test func caretsAccountForTabsAndMultibyteCharacters() throws {
        let source = SourceFile(path: "p.toml", text: "\t\"clé\" = \"é\" x\n")
        let error = try #require(throws: DiagnosticError.self) { try TOMLParser.parse(source) }
        let text = DiagnosticRenderer(format: .human).render(error.diagnostics)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The caret sits under `x`: four columns for the tab, then `"clé" = "é" ` (12 columns).
        #expect(lines.contains("1 |     \"clé\" = \"é\" x"))
        #expect(lines.contains("  |                 ^"))
    }
}
