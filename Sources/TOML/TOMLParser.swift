import Diagnostics

/// Parses TOML 1.0 into a located document.
///
/// A syntax error stops the parse (the rest of the file cannot be read reliably), so a failed
/// parse reports exactly one diagnostic, with the span of the offending bytes and, for
/// redefinitions, a label at the first definition.
public enum TOMLParser {
    /// The deepest nesting of arrays and inline tables accepted; deeper input is an error
    /// rather than a stack overflow.
    public static let maximumNesting = 128

    /// Parses a source file.
    public static func parse(_ source: SourceFile) throws(DiagnosticError) -> TOMLDocument {
        do {
            let root = try source.bytes.withUnsafeBufferPointer { buffer in
                var parser = ParserState(lexer: TOMLLexer(bytes: buffer, source: source))
                return try parser.parseDocument()
            }
            return TOMLDocument(source: source, root: root)
        } catch let error as DiagnosticError {
            throw error
        } catch {
            throw DiagnosticError(.error("toml.internal", "unexpected parser failure"))
        }
    }

    /// Parses text; `path` is the name diagnostics show.
    public static func parse(_ text: String, path: String = "<input>") throws(DiagnosticError) -> TOMLDocument {
        try parse(SourceFile(path: path, text: text))
    }
}

struct ParserState {
    var lexer: TOMLLexer
    let root = TableNode(definition: .root, span: SourceSpan(start: 0, end: 0))
    var current: TableNode
    /// The key path of the table being filled, for messages: the header's path, extended
    /// by the keys of enclosing inline tables while one is parsed.
    var pathStack: [String] = []
    /// Counts headers; dotted-key tables remember the section that created them.
    var section = 0
    /// Distinct negative section numbers for inline tables.
    var inlineSection = -1
    var depth = 0
    /// Statements in document order, recorded only when the editor asks for them.
    var layout: [TOMLStatement]?

    init(lexer: TOMLLexer) {
        self.lexer = lexer
        self.current = root
    }

    func origin(_ span: SourceSpan) -> Origin {
        lexer.origin(span.start, span.end)
    }

    mutating func parseDocument() throws -> TOMLTable {
        if let invalid = UTF8Validation.firstInvalidOffset(lexer.bytes) {
            throw lexer.fail(.tomlInvalidUTF8(at: lexer.origin(invalid, invalid + 1)))
        }
        if lexer.bytes.count >= 3, lexer.bytes[0] == 0xEF, lexer.bytes[1] == 0xBB, lexer.bytes[2] == 0xBF {
            lexer.position = 3
        }
        while true {
            lexer.skipWhitespace()
            if lexer.isAtEnd { break }
            switch lexer.peek() {
            case UInt8(ascii: "#"):
                try lexer.skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                _ = try lexer.consumeNewline()
            case UInt8(ascii: "["):
                let lineStart = layout == nil ? 0 : startOfLine(lexer.position)
                let isArray = lexer.peek(1) == UInt8(ascii: "[")
                try parseHeader()
                try expectLineEnd(after: "the table header")
                layout?.append(
                    TOMLStatement(
                        kind: .header(path: pathStack, isArrayOfTables: isArray),
                        lineSpan: SourceSpan(start: lineStart, end: lexer.position)))
            default:
                let lineStart = layout == nil ? 0 : startOfLine(lexer.position)
                let sectionPath = pathStack
                let (keys, valueSpan) = try parseKeyValue(into: current, section: section)
                try expectLineEnd(after: "the value")
                layout?.append(
                    TOMLStatement(
                        kind: .keyValue(sectionPath: sectionPath, keys: keys, valueSpan: valueSpan),
                        lineSpan: SourceSpan(start: lineStart, end: lexer.position)))
            }
        }
        return root.freeze()
    }

    /// The offset where the line holding `offset` starts.
    func startOfLine(_ offset: Int) -> Int {
        var start = offset
        while start > 0, lexer.bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        return start
    }

    mutating func expectLineEnd(after what: String) throws {
        lexer.skipWhitespace()
        try lexer.skipComment()
        if lexer.isAtEnd { return }
        if try lexer.consumeNewline() { return }
        throw lexer.fail(
            .tomlExpectedLineEnd(
                found: lexer.describe(at: lexer.position), after: what,
                at: lexer.originOfCharacter(at: lexer.position)))
    }

    // MARK: - Headers

    mutating func parseHeader() throws {
        let start = lexer.position
        lexer.position += 1
        let isArray = lexer.peek() == UInt8(ascii: "[")
        if isArray { lexer.position += 1 }
        lexer.skipWhitespace()
        let keys = try lexer.scanKey()
        lexer.skipWhitespace()
        for _ in 0..<(isArray ? 2 : 1) {
            guard !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "]") else {
                throw lexer.fail(
                    .tomlUnterminatedHeader(
                        found: lexer.describe(at: lexer.position), at: lexer.originOfCharacter(at: lexer.position)))
            }
            lexer.position += 1
        }
        let headerSpan = SourceSpan(start: start, end: lexer.position)
        var table = root
        var path = [String]()
        for key in keys.dropLast() {
            path.append(key.name)
            switch table.child(key.name) {
            case nil:
                let node = TableNode(definition: .implicit, span: key.span)
                table.insert(key, .table(node))
                table = node
            case .table(let node):
                table = node
            case .arrayOfTables(let array):
                guard let last = array.elements.last else { preconditionFailure("empty array of tables") }
                table = last
            case .value(let value):
                throw lexer.fail(notATable(value, path: path, at: key.span))
            }
        }
        guard let last = keys.last else { preconditionFailure("a key has at least one segment") }
        path.append(last.name)
        var pathText: String { TOMLKeyFormatting.path(path) }
        let element: TableNode
        if isArray {
            element = TableNode(definition: .arrayElement, span: headerSpan)
            switch table.child(last.name) {
            case nil:
                let array = ArrayOfTablesNode(span: headerSpan)
                array.elements.append(element)
                table.insert(last, .arrayOfTables(array))
            case .arrayOfTables(let array):
                array.elements.append(element)
            case .table(let node):
                throw lexer.fail(.tomlNotAnArrayOfTables(pathText, at: origin(headerSpan), previous: origin(node.span)))
            case .value(let value):
                if case .array = value.kind {
                    throw lexer.fail(
                        .tomlStaticArrayAppend(pathText, at: origin(headerSpan), previous: origin(value.span)))
                }
                throw lexer.fail(notATable(value, path: path, at: headerSpan))
            }
        } else {
            switch table.child(last.name) {
            case nil:
                element = TableNode(definition: .header, span: headerSpan)
                table.insert(last, .table(element))
            case .table(let node):
                switch node.definition {
                case .implicit:
                    node.definition = .header
                    node.span = headerSpan
                    element = node
                case .dotted:
                    throw lexer.fail(
                        .tomlDottedTableRedefinition(pathText, at: origin(headerSpan), previous: origin(node.span)))
                default:
                    throw lexer.fail(
                        .tomlTableRedefinition(pathText, at: origin(headerSpan), previous: origin(node.span)))
                }
            case .arrayOfTables(let array):
                throw lexer.fail(
                    .tomlArrayOfTablesRedefinition(pathText, at: origin(headerSpan), previous: origin(array.span)))
            case .value(let value):
                throw lexer.fail(notATable(value, path: path, at: headerSpan))
            }
        }
        current = element
        pathStack = path
        section += 1
    }

    func notATable(_ value: TOMLValue, path: [String], at span: SourceSpan) -> Diagnostic {
        let text = TOMLKeyFormatting.path(path)
        if case .table = value.kind {
            return .tomlInlineTableImmutable(text, at: origin(span), previous: origin(value.span))
        }
        return .tomlNotATable(text, type: value.typeName, at: origin(span), previous: origin(value.span))
    }

    // MARK: - Key/value pairs

    @discardableResult
    mutating func parseKeyValue(into table: TableNode, section: Int) throws -> ([TOMLKey], SourceSpan) {
        let keys = try lexer.scanKey()
        lexer.skipWhitespace()
        guard !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "=") else {
            throw lexer.fail(
                .tomlExpectedEquals(
                    found: lexer.describe(at: lexer.position), at: lexer.originOfCharacter(at: lexer.position)))
        }
        lexer.position += 1
        lexer.skipWhitespace()
        var target = table
        let base = pathStack
        func path(through index: Int) -> [String] { base + keys[...index].map(\.name) }
        for (index, key) in keys.dropLast().enumerated() {
            switch target.child(key.name) {
            case nil:
                let node = TableNode(definition: .dotted, span: key.span, dottedSection: section)
                target.insert(key, .table(node))
                target = node
            case .table(let node):
                switch node.definition {
                case .dotted where node.dottedSection == section:
                    target = node
                case .implicit:
                    node.definition = .dotted
                    node.dottedSection = section
                    target = node
                default:
                    throw lexer.fail(
                        .tomlExtendClosedTable(
                            TOMLKeyFormatting.path(path(through: index)), at: origin(key.span),
                            previous: origin(node.span)))
                }
            case .arrayOfTables(let array):
                throw lexer.fail(
                    .tomlArrayOfTablesRedefinition(
                        TOMLKeyFormatting.path(path(through: index)), at: origin(key.span),
                        previous: origin(array.span)))
            case .value(let value):
                throw lexer.fail(notATable(value, path: path(through: index), at: key.span))
            }
        }
        guard let last = keys.last else { preconditionFailure("a key has at least one segment") }
        if let existing = target.slot(last.name) {
            throw lexer.fail(
                .tomlDuplicateKey(
                    TOMLKeyFormatting.path(path(through: keys.count - 1)), at: origin(last.span),
                    previous: origin(existing.key.span)))
        }
        let first = lexer.peek()
        let nests = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if nests { pathStack.append(contentsOf: keys.lazy.map(\.name)) }
        let value = try parseValue()
        if nests { pathStack.removeLast(keys.count) }
        target.insert(last, .value(value))
        return (keys, value.span)
    }

    // MARK: - Values

    mutating func parseValue() throws -> TOMLValue {
        let start = lexer.position
        guard !lexer.isAtEnd else {
            throw lexer.fail(.tomlExpectedValue(found: "end of file", at: lexer.origin(start, start)))
        }
        switch lexer.peek() {
        case UInt8(ascii: "\""):
            let text: String
            if lexer.peek(1) == UInt8(ascii: "\""), lexer.peek(2) == UInt8(ascii: "\"") {
                text = try lexer.scanMultilineString(literal: false)
            } else {
                text = try lexer.scanBasicString()
            }
            return TOMLValue(.string(text), span: SourceSpan(start: start, end: lexer.position))
        case UInt8(ascii: "'"):
            let text: String
            if lexer.peek(1) == UInt8(ascii: "'"), lexer.peek(2) == UInt8(ascii: "'") {
                text = try lexer.scanMultilineString(literal: true)
            } else {
                text = try lexer.scanLiteralString()
            }
            return TOMLValue(.string(text), span: SourceSpan(start: start, end: lexer.position))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return try lexer.scanBoolean()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            return try parseInlineTable()
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "i"),
            UInt8(ascii: "n"):
            return try lexer.scanNumberOrDateTime()
        default:
            throw lexer.fail(
                .tomlExpectedValue(found: lexer.describe(at: start), at: lexer.originOfCharacter(at: start)))
        }
    }

    mutating func enterNesting(at start: Int) throws {
        depth += 1
        if depth > TOMLParser.maximumNesting {
            throw lexer.fail(
                .error(
                    "toml.nesting-too-deep",
                    "arrays and inline tables are nested more than \(TOMLParser.maximumNesting) levels deep",
                    at: lexer.origin(start, start + 1),
                    help: "flatten the structure"))
        }
    }

    mutating func parseArray() throws -> TOMLValue {
        let start = lexer.position
        try enterNesting(at: start)
        defer { depth -= 1 }
        lexer.position += 1
        var elements = [TOMLValue]()
        while true {
            try lexer.skipWhitespaceCommentsAndNewlines()
            if !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "]") {
                lexer.position += 1
                break
            }
            elements.append(try parseValue())
            try lexer.skipWhitespaceCommentsAndNewlines()
            if !lexer.isAtEnd, lexer.peek() == UInt8(ascii: ",") {
                lexer.position += 1
                continue
            }
            if !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "]") {
                lexer.position += 1
                break
            }
            throw lexer.fail(
                .tomlExpectedArraySeparator(
                    found: lexer.describe(at: lexer.position), at: lexer.originOfCharacter(at: lexer.position),
                    opening: lexer.origin(start, start + 1)))
        }
        return TOMLValue(.array(elements), span: SourceSpan(start: start, end: lexer.position))
    }

    mutating func parseInlineTable() throws -> TOMLValue {
        let start = lexer.position
        try enterNesting(at: start)
        defer { depth -= 1 }
        lexer.position += 1
        let node = TableNode(definition: .inline, span: SourceSpan(start: start, end: start + 1))
        let section = inlineSection
        inlineSection -= 1
        lexer.skipWhitespace()
        if !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "}") {
            lexer.position += 1
            return TOMLValue(.table(node.freeze()), span: SourceSpan(start: start, end: lexer.position))
        }
        while true {
            try rejectNewlineInInlineTable()
            try parseKeyValue(into: node, section: section)
            lexer.skipWhitespace()
            try rejectNewlineInInlineTable()
            let byte = lexer.peek()
            if !lexer.isAtEnd, byte == UInt8(ascii: ",") {
                let comma = lexer.position
                lexer.position += 1
                lexer.skipWhitespace()
                if !lexer.isAtEnd, lexer.peek() == UInt8(ascii: "}") {
                    throw lexer.fail(.tomlInlineTableTrailingComma(at: lexer.origin(comma, comma + 1)))
                }
                continue
            }
            if !lexer.isAtEnd, byte == UInt8(ascii: "}") {
                lexer.position += 1
                break
            }
            throw lexer.fail(
                .tomlExpectedInlineTableSeparator(
                    found: lexer.describe(at: lexer.position), at: lexer.originOfCharacter(at: lexer.position),
                    opening: lexer.origin(start, start + 1)))
        }
        return TOMLValue(.table(node.freeze()), span: SourceSpan(start: start, end: lexer.position))
    }

    func rejectNewlineInInlineTable() throws {
        let byte = lexer.peek()
        if !lexer.isAtEnd, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            throw lexer.fail(.tomlInlineTableNewline(at: lexer.origin(lexer.position, lexer.position)))
        }
    }
}
