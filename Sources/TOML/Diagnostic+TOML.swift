import Diagnostics

/// The message catalogue of the TOML front end: each message is written once, here.
extension Diagnostic {
    static func tomlInvalidUTF8(at origin: Origin) -> Diagnostic {
        .error(
            "toml.invalid-utf8", "the file is not valid UTF-8", at: origin,
            help: "TOML files must be UTF-8; re-save the file with UTF-8 encoding")
    }

    static func tomlControlCharacter(_ byte: UInt8, in context: String, at origin: Origin) -> Diagnostic {
        let hex = String(byte, radix: 16, uppercase: true)
        let name = "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        return .error(
            "toml.control-character", "control character \(name) is not allowed in \(context)", at: origin,
            help: byte == 0x0D
                ? "a carriage return must be followed by a line feed"
                : "write it as an escape such as `\\u\(String(repeating: "0", count: 4 - hex.count) + hex)` in a basic string"
        )
    }

    static func tomlBareCarriageReturn(at origin: Origin) -> Diagnostic {
        .error(
            "toml.bare-carriage-return", "a carriage return must be followed by a line feed", at: origin,
            help: "use LF or CRLF line endings")
    }

    static func tomlUnterminatedString(_ kind: String, at origin: Origin, opening: Origin) -> Diagnostic {
        .error(
            "toml.unterminated-string", "unterminated \(kind)", at: origin,
            labels: [Diagnostic.Label("the string starts here", at: opening)],
            help: kind.hasPrefix("multi-line")
                ? "close the string with the same three quotes it opened with"
                : "close the string on the same line, or use a multi-line string (`\"\"\"` or `'''`)")
    }

    static func tomlInvalidEscape(_ escape: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.invalid-escape", "invalid escape sequence `\(escape)`", at: origin,
            help: "valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX; "
                + "a literal string ('...') needs no escapes")
    }

    static func tomlInvalidUnicodeEscape(_ escape: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.invalid-unicode-escape", "`\(escape)` is not a Unicode scalar value", at: origin,
            help: "use a code point from U+0000 to U+D7FF or U+E000 to U+10FFFF")
    }

    static func tomlExpectedValue(found: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.expected-value", "expected a value, found \(found)", at: origin,
            help: "values are strings in quotes, numbers, `true`/`false`, dates, arrays `[…]` or inline tables `{…}`")
    }

    static func tomlExpectedKey(found: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.expected-key", "expected a key, found \(found)", at: origin,
            help: "bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key")
    }

    static func tomlExpectedEquals(found: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.expected-equals", "expected `=` after the key, found \(found)", at: origin,
            help: "write key/value pairs as `key = value`")
    }

    static func tomlExpectedLineEnd(found: String, after what: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.expected-line-end", "expected the end of the line after \(what), found \(found)", at: origin,
            help: "put each key/value pair and table header on its own line")
    }

    static func tomlExpectedArraySeparator(found: String, at origin: Origin, opening: Origin) -> Diagnostic {
        .error(
            "toml.expected-array-separator", "expected `,` or `]` in the array, found \(found)", at: origin,
            labels: [Diagnostic.Label("the array starts here", at: opening)],
            help: "separate array elements with commas and close the array with `]`")
    }

    static func tomlExpectedInlineTableSeparator(found: String, at origin: Origin, opening: Origin) -> Diagnostic {
        .error(
            "toml.expected-inline-table-separator", "expected `,` or `}` in the inline table, found \(found)",
            at: origin,
            labels: [Diagnostic.Label("the inline table starts here", at: opening)],
            help: "an inline table stays on one line: `{ key = value, other = value }`")
    }

    static func tomlInlineTableTrailingComma(at origin: Origin) -> Diagnostic {
        .error(
            "toml.inline-table-trailing-comma", "trailing comma in an inline table", at: origin,
            help: "remove the comma before `}`; TOML 1.0 does not allow one there")
    }

    static func tomlInlineTableNewline(at origin: Origin) -> Diagnostic {
        .error(
            "toml.inline-table-newline", "newline inside an inline table", at: origin,
            help: "keep an inline table on one line, or use a `[table]` section instead")
    }

    static func tomlUnterminatedHeader(found: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.unterminated-header", "expected `]` to close the table header, found \(found)", at: origin,
            help: "write table headers as `[name]` and arrays of tables as `[[name]]`")
    }

    static func tomlInvalidNumber(_ text: String, reason: String, at origin: Origin) -> Diagnostic {
        .error("toml.invalid-number", "invalid number `\(text)`: \(reason)", at: origin, help: numberHelp)
    }

    private static let numberHelp =
        "numbers look like `42`, `-17`, `1_000`, `0xff`, `0o755`, `0b1010`, `3.14`, `6.02e23`, `inf` or `nan`"

    static func tomlIntegerOverflow(_ text: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.integer-overflow", "integer `\(text)` does not fit in 64 bits", at: origin,
            help: "integers range from -9223372036854775808 to 9223372036854775807")
    }

    static func tomlInvalidDateTime(_ text: String, reason: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.invalid-datetime", "invalid date or time `\(text)`: \(reason)", at: origin,
            help: "use RFC 3339: `1979-05-27`, `07:32:00`, `1979-05-27T07:32:00` or `1979-05-27T07:32:00-08:00`")
    }

    static func tomlDuplicateKey(_ key: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.duplicate-key", "duplicate key `\(key)`", at: origin,
            labels: [Diagnostic.Label("`\(key)` is first defined here", at: previous)],
            help: "remove one of the two definitions")
    }

    static func tomlTableRedefinition(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.table-redefinition", "table `\(path)` is defined more than once", at: origin,
            labels: [Diagnostic.Label("`\(path)` is first defined here", at: previous)],
            help: "merge the two sections into one")
    }

    static func tomlDottedTableRedefinition(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.table-redefinition", "table `\(path)` was already defined by dotted keys", at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined here", at: previous)],
            help: "write all of its keys in one place, either as dotted keys or under one `[\(path)]` header")
    }

    static func tomlExtendClosedTable(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.table-redefinition", "dotted keys cannot add to table `\(path)` defined in another section",
            at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined here", at: previous)],
            help: "add the key in the section where `\(path)` is defined")
    }

    static func tomlInlineTableImmutable(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.inline-table-immutable", "cannot add to the inline table `\(path)`", at: origin,
            labels: [Diagnostic.Label("`\(path)` is written inline here", at: previous)],
            help: "an inline table is complete where it is written; add the key inside its braces")
    }

    static func tomlStaticArrayAppend(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.static-array-append", "cannot append a table to the array `\(path)`", at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined as an array value here", at: previous)],
            help: "use either `\(path) = [ … ]` or `[[\(path)]]` sections, not both")
    }

    static func tomlNotATable(_ path: String, type: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.not-a-table", "`\(path)` is \(englishArticle(type)) \(type), not a table", at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined here", at: previous)],
            help: "rename one of the keys so they do not clash")
    }

    static func tomlArrayOfTablesRedefinition(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.table-redefinition", "`\(path)` is an array of tables, not a table", at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined here", at: previous)],
            help: "use `[[\(path)]]` to add another element")
    }

    static func tomlNotAnArrayOfTables(_ path: String, at origin: Origin, previous: Origin) -> Diagnostic {
        .error(
            "toml.table-redefinition", "`\(path)` is a table, not an array of tables", at: origin,
            labels: [Diagnostic.Label("`\(path)` is defined here", at: previous)],
            help: "use `[\(path)]` for a table, or rename the array")
    }

}

/// Messages of the format-preserving editor.
extension Diagnostic {
    static func tomlEditReplacesTable(_ path: String, at origin: Origin) -> Diagnostic {
        .error(
            "toml.edit-replaces-table", "`\(path)` is a table; setting it to a value would drop its keys", at: origin,
            help: "set one of its keys instead, e.g. `\(path).<key>`")
    }

    static func tomlEditUnsupported(_ path: String, at origin: Origin?) -> Diagnostic {
        .error(
            "toml.edit-unsupported", "`\(path)` cannot be edited automatically here", at: origin,
            help: "edit this part of the file by hand")
    }

    static func tomlEditFailed(at origin: Origin?) -> Diagnostic {
        .error(
            "toml.edit-failed", "the edit would not produce the requested value; the file was left unchanged",
            at: origin, help: "edit the file by hand")
    }
}
