import Diagnostics

/// The byte-level scanner of the TOML parser.
///
/// TOML's tokens depend on context (a bare key may look like a number, a date may contain a
/// space), so the parser asks for the token it expects next rather than reading a token
/// stream. Everything works on UTF-8 bytes, never on `Character`, which would merge CR LF into
/// one grapheme. The input has been validated as UTF-8 before scanning starts.
package struct TOMLLexer {
    let bytes: UnsafeBufferPointer<UInt8>
    let source: SourceFile
    var position: Int

    init(bytes: UnsafeBufferPointer<UInt8>, source: SourceFile, position: Int = 0) {
        self.bytes = bytes
        self.source = source
        self.position = position
    }

    // MARK: - Positions and errors

    var isAtEnd: Bool { position >= bytes.count }

    /// The byte at `position + offset`, or 0 past the end (callers that care about NUL check
    /// `isAtEnd` first).
    @inline(__always)
    func peek(_ offset: Int = 0) -> UInt8 {
        let index = position + offset
        return index < bytes.count ? bytes[index] : 0
    }

    func origin(_ start: Int, _ end: Int) -> Origin {
        .file(FileSpan(file: source, span: SourceSpan(start: start, end: max(start, end))))
    }

    /// An origin covering the character at `offset` (one UTF-8 sequence), or an empty span at
    /// the end of the input.
    func originOfCharacter(at offset: Int) -> Origin {
        origin(offset, offset + characterLength(at: offset))
    }

    func characterLength(at offset: Int) -> Int {
        guard offset < bytes.count else { return 0 }
        let lead = bytes[offset]
        let length = lead >= 0xF0 ? 4 : (lead >= 0xE0 ? 3 : (lead >= 0xC0 ? 2 : 1))
        return min(length, bytes.count - offset)
    }

    /// How to name the character at `offset` in a message: "end of file", "a newline",
    /// "`x`".
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "\n"): return "a newline"
        case UInt8(ascii: "\r"): return "a carriage return"
        case UInt8(ascii: "\t"): return "a tab"
        case UInt8(ascii: " "): return "a space"
        case UInt8(ascii: "`"): return "a backtick"
        case 0..<0x20, 0x7F: return "a control character"
        default:
            let length = characterLength(at: offset)
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
            return "`\(text)`"
        }
    }

    func fail(_ diagnostic: Diagnostic) -> DiagnosticError {
        DiagnosticError(diagnostic)
    }

    // MARK: - Whitespace, comments, newlines

    /// Skips spaces and tabs.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") else { return }
            position += 1
        }
    }

    /// Skips a comment if one starts here, checking that it holds no control characters.
    mutating func skipComment() throws {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "#") else { return }
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\n") { return }
            if byte == UInt8(ascii: "\r") {
                if peek(1) == UInt8(ascii: "\n") { return }
                throw fail(.tomlBareCarriageReturn(at: originOfCharacter(at: position)))
            }
            if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F {
                throw fail(.tomlControlCharacter(byte, in: "a comment", at: originOfCharacter(at: position)))
            }
            position += 1
        }
    }

    /// Consumes a line ending (LF or CR LF) if one starts here.
    mutating func consumeNewline() throws -> Bool {
        guard position < bytes.count else { return false }
        if bytes[position] == UInt8(ascii: "\n") {
            position += 1
            return true
        }
        if bytes[position] == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else {
                throw fail(.tomlBareCarriageReturn(at: originOfCharacter(at: position)))
            }
            position += 2
            return true
        }
        return false
    }

    /// Skips whitespace, comments and newlines (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws {
        while true {
            skipWhitespace()
            try skipComment()
            if try !consumeNewline() { return }
        }
    }

    // MARK: - Keys

    package static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Scans one key segment: bare, basic-quoted or literal-quoted.
    mutating func scanSimpleKey() throws -> TOMLKey {
        let start = position
        guard position < bytes.count else {
            throw fail(.tomlExpectedKey(found: describe(at: position), at: originOfCharacter(at: position)))
        }
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") {
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                throw fail(
                    .tomlExpectedKey(found: "a multi-line string", at: origin(position, position + 3)))
            }
            let name = try scanBasicString()
            return TOMLKey(name: name, span: SourceSpan(start: start, end: position))
        }
        if byte == UInt8(ascii: "'") {
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                throw fail(
                    .tomlExpectedKey(found: "a multi-line string", at: origin(position, position + 3)))
            }
            let name = try scanLiteralString()
            return TOMLKey(name: name, span: SourceSpan(start: start, end: position))
        }
        while position < bytes.count, TOMLLexer.isBareKeyByte(bytes[position]) {
            position += 1
        }
        guard position > start else {
            throw fail(.tomlExpectedKey(found: describe(at: position), at: originOfCharacter(at: position)))
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return TOMLKey(name: name, span: SourceSpan(start: start, end: position))
    }

    /// Scans a possibly dotted key (`a . "b" . c`), whitespace around dots allowed.
    mutating func scanKey() throws -> [TOMLKey] {
        var keys = [try scanSimpleKey()]
        while true {
            let save = position
            skipWhitespace()
            guard peek() == UInt8(ascii: "."), position < bytes.count else {
                position = save
                return keys
            }
            position += 1
            skipWhitespace()
            keys.append(try scanSimpleKey())
        }
    }

    // MARK: - Strings

    /// Checks a byte inside a single-line string body; returns false on a line ending.
    private func checkStringByte(_ byte: UInt8, kind: String, start: Int) throws -> Bool {
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            throw fail(.tomlUnterminatedString(kind, at: origin(position, position), opening: origin(start, start + 1)))
        }
        if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F {
            throw fail(.tomlControlCharacter(byte, in: "a \(kind)", at: originOfCharacter(at: position)))
        }
        return true
    }

    /// Scans `"…"` starting at the opening quote; returns the unescaped contents.
    mutating func scanBasicString() throws -> String {
        let start = position
        position += 1
        var runStart = position
        var buffer: [UInt8]?
        while true {
            guard position < bytes.count else {
                throw fail(
                    .tomlUnterminatedString("string", at: origin(position, position), opening: origin(start, start + 1))
                )
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<position])
                position += 1
                if var buffer {
                    buffer.append(contentsOf: run)
                    return String(decoding: buffer, as: UTF8.self)
                }
                return String(decoding: run, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                var pending = buffer ?? []
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                try scanEscape(into: &pending)
                buffer = pending
                runStart = position
                continue
            }
            if byte < 0x20 || byte == 0x7F {
                _ = try checkStringByte(byte, kind: "string", start: start)
            }
            position += 1
        }
    }

    /// Scans one escape sequence starting at the backslash and appends its UTF-8 bytes.
    private mutating func scanEscape(into buffer: inout [UInt8]) throws {
        let start = position
        position += 1
        guard position < bytes.count else {
            throw fail(.tomlInvalidEscape("\\", at: origin(start, position)))
        }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = byte == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard position < bytes.count, let digit = TOMLLexer.hexValue(bytes[position]) else {
                    let end = min(position + characterLength(at: position), bytes.count)
                    throw fail(.tomlInvalidEscape(text(start, end), at: origin(start, end)))
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw fail(.tomlInvalidUnicodeEscape(text(start, position), at: origin(start, position)))
            }
            buffer.append(contentsOf: String(scalar).utf8)
        default:
            position = start + 1
            let end = start + 1 + characterLength(at: start + 1)
            throw fail(.tomlInvalidEscape(text(start, end), at: origin(start, end)))
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(end, bytes.count)]), as: UTF8.self)
    }

    /// Scans `'…'` starting at the opening quote.
    mutating func scanLiteralString() throws -> String {
        let start = position
        position += 1
        let bodyStart = position
        while true {
            guard position < bytes.count else {
                throw fail(
                    .tomlUnterminatedString(
                        "literal string", at: origin(position, position), opening: origin(start, start + 1)))
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "'") {
                let body = text(bodyStart, position)
                position += 1
                return body
            }
            if byte < 0x20 || byte == 0x7F {
                _ = try checkStringByte(byte, kind: "literal string", start: start)
            }
            position += 1
        }
    }

    /// Scans `"""…"""` or `'''…'''` starting at the opening delimiter. A newline right after
    /// the opening delimiter is dropped, CR LF becomes LF, and up to two quotes may precede the
    /// closing delimiter.
    mutating func scanMultilineString(literal: Bool) throws -> String {
        let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        let kind = literal ? "multi-line literal string" : "multi-line string"
        let start = position
        position += 3
        if try consumeNewline() {}
        var buffer = [UInt8]()
        var runStart = position
        func flush(_ lexer: TOMLLexer, upTo end: Int) {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: lexer.bytes[runStart..<end]))
        }
        while true {
            guard position < bytes.count else {
                throw fail(
                    .tomlUnterminatedString(kind, at: origin(position, position), opening: origin(start, start + 3)))
            }
            let byte = bytes[position]
            if byte == quote, peek(1) == quote, peek(2) == quote {
                var run = 3
                while peek(run) == quote, position + run < bytes.count { run += 1 }
                if run > 5 {
                    throw fail(
                        .tomlExpectedLineEnd(
                            found: describe(at: position + 5), after: "a \(kind)",
                            at: originOfCharacter(at: position + 5)))
                }
                flush(self, upTo: position + run - 3)
                position += run
                return String(decoding: buffer, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\"), !literal {
                flush(self, upTo: position)
                if try skipLineEndingBackslash() {
                    runStart = position
                    continue
                }
                try scanEscape(into: &buffer)
                runStart = position
                continue
            }
            if byte == UInt8(ascii: "\r") {
                guard peek(1) == UInt8(ascii: "\n") else {
                    throw fail(.tomlBareCarriageReturn(at: originOfCharacter(at: position)))
                }
                flush(self, upTo: position)
                position += 1
                runStart = position
                continue
            }
            if (byte < 0x20 && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n")) || byte == 0x7F {
                throw fail(.tomlControlCharacter(byte, in: "a \(kind)", at: originOfCharacter(at: position)))
            }
            position += 1
        }
    }

    /// At a backslash: if only whitespace follows up to the end of the line, skips it and all
    /// whitespace and newlines after it and returns true; otherwise leaves the position alone.
    private mutating func skipLineEndingBackslash() throws -> Bool {
        var probe = position + 1
        while probe < bytes.count, bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t") {
            probe += 1
        }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: "\n") || bytes[probe] == UInt8(ascii: "\r") else {
            return false
        }
        position = probe
        while true {
            skipWhitespace()
            if try !consumeNewline() { return true }
        }
    }
}
