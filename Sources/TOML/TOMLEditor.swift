import Diagnostics

/// Changes one key of a TOML document in place, keeping comments, order and every unrelated
/// byte as they were (used by `mino config set` and the first-run prompts).
///
/// INVARIANT: the text only changes when the edited text parses again and holds the new
/// value; otherwise the edit throws and `text` is untouched.
public struct TOMLEditor: Sendable {
    /// The current text.
    public private(set) var text: String
    /// The name shown in diagnostics.
    public let path: String
    private var document: TOMLDocument
    private var statements: [TOMLStatement]

    /// Parses `text`; invalid TOML cannot be edited.
    public init(text: String, path: String = "<input>") throws(DiagnosticError) {
        self.text = text
        self.path = path
        (document, statements) = try TOMLParser.parseWithLayout(SourceFile(path: path, text: text))
    }

    /// The parsed document for the current text.
    public var currentDocument: TOMLDocument { document }

    // MARK: - Set

    /// Sets the value at a dotted key path, replacing an existing value in place or adding the
    /// key where it belongs: in its table's section, next to its dotted siblings, inside an
    /// inline table, or in a new `[section]` at the end of the file.
    public mutating func set(_ keyPath: [String], to value: TOMLValue.Kind) throws(DiagnosticError) {
        precondition(!keyPath.isEmpty, "a key path has at least one segment")
        let rendered = TOMLWriter.inline(value)
        let bytes = Array(text.utf8)
        let (parent, reached) = try walk(keyPath)
        var edit: (SourceSpan, String)
        if reached == keyPath.count - 1, let table = parent.value?.tableValue ?? (parent.isRoot ? document.root : nil),
            let existing = table[keyPath[keyPath.count - 1]]
        {
            if existing.tableValue != nil || Self.isArrayOfTables(existing) {
                throw DiagnosticError(
                    .tomlEditReplacesTable(
                        TOMLKeyFormatting.path(keyPath), at: document.origin(existing.span)))
            }
            edit = (existing.span, rendered)
        } else {
            edit = try insertion(for: keyPath, parent: parent, reached: reached, rendered: rendered, bytes: bytes)
        }
        try apply(edit, bytes: bytes) { document in
            Self.value(at: keyPath, in: document.root).map { TOMLWriter.inline($0.kind) == rendered } ?? false
        }
    }

    // MARK: - Remove

    /// Removes the key at a dotted key path: its line, its `[section]` and sub-sections when
    /// it is a table, or its `key = value` inside an inline table. Returns false when the key
    /// does not exist.
    @discardableResult
    public mutating func remove(_ keyPath: [String]) throws(DiagnosticError) -> Bool {
        precondition(!keyPath.isEmpty, "a key path has at least one segment")
        guard Self.value(at: keyPath, in: document.root) != nil else { return false }
        let bytes = Array(text.utf8)
        // Inside an inline table: cut `key = value` and one neighbouring comma.
        if let (inlineSpan, relative) = inlineContainer(of: keyPath) {
            let span = try inlineMemberSpan(inlineSpan, relative: relative, bytes: bytes)
            try apply((span, ""), bytes: bytes) { Self.value(at: keyPath, in: $0.root) == nil }
            return true
        }
        var cuts = [SourceSpan]()
        var inRemovedSection = false
        for statement in statements {
            switch statement.kind {
            case .header(let path, _):
                inRemovedSection = path.starts(with: keyPath)
                if inRemovedSection { cuts.append(statement.lineSpan) }
            case .keyValue:
                if inRemovedSection || (statement.keyPath?.starts(with: keyPath) ?? false) {
                    cuts.append(statement.lineSpan)
                }
            }
        }
        guard !cuts.isEmpty else {
            throw DiagnosticError(.tomlEditUnsupported(TOMLKeyFormatting.path(keyPath), at: nil))
        }
        var output = bytes
        for cut in cuts.reversed() {
            output.removeSubrange(cut.start..<cut.end)
        }
        try commit(String(decoding: output, as: UTF8.self)) { Self.value(at: keyPath, in: $0.root) == nil }
        return true
    }

    // MARK: - Finding places

    private struct Reached {
        var value: TOMLValue?
        var isRoot: Bool
    }

    /// Walks the existing tables along `keyPath` (excluding its last segment); returns the
    /// deepest table reached and how many segments it covers.
    private func walk(_ keyPath: [String]) throws(DiagnosticError) -> (Reached, Int) {
        var reached = Reached(value: nil, isRoot: true)
        var table = document.root
        var count = 0
        for segment in keyPath.dropLast() {
            guard let value = table[segment] else { break }
            if Self.isArrayOfTables(value) {
                throw DiagnosticError(
                    .tomlEditUnsupported(
                        TOMLKeyFormatting.path(Array(keyPath[...count])), at: document.origin(value.span)))
            }
            guard let child = value.tableValue else {
                throw DiagnosticError(
                    .tomlNotATable(
                        TOMLKeyFormatting.path(Array(keyPath[...count])), type: value.typeName,
                        at: document.origin(value.span), previous: document.origin(value.span)))
            }
            table = child
            reached = Reached(value: value, isRoot: false)
            count += 1
        }
        return (reached, count)
    }

    private func insertion(
        for keyPath: [String], parent: Reached, reached: Int, rendered: String, bytes: [UInt8]
    ) throws(DiagnosticError) -> (SourceSpan, String) {
        let newline = Self.lineEnding(bytes)
        let relative = TOMLKeyFormatting.path(Array(keyPath[reached...])) + " = " + rendered
        let definition = parent.isRoot ? TOMLTable.Definition.root : parent.value?.tableValue?.definition
        let parentPath = Array(keyPath[..<reached])
        switch definition {
        case .inline:
            guard let span = parent.value?.span else { break }
            // `{ a = 1 }` -> `{ a = 1, b = 2 }`; `{}` -> `{ b = 2 }`
            var close = span.end - 1
            while close > span.start + 1, bytes[close - 1] == UInt8(ascii: " ") { close -= 1 }
            let isEmpty = close == span.start + 1
            return (SourceSpan.point(close), isEmpty ? " " + relative + " " : ", " + relative)
        case .root, .header:
            if reached == keyPath.count - 1 {
                return insertionInSection(parentPath, line: relative, bytes: bytes, newline: newline)
            }
        case .dotted:
            if let anchor = lastStatement(definingUnder: parentPath) {
                let sectionPath: [String]
                if case .keyValue(let section, _, _) = anchor.kind { sectionPath = section } else { sectionPath = [] }
                let line = TOMLKeyFormatting.path(Array(keyPath[sectionPath.count...])) + " = " + rendered
                return insertAfter(anchor.lineSpan, line: line, bytes: bytes, newline: newline)
            }
        default:
            break
        }
        // A new section at the end of the file for the key's parent table.
        let header = "[" + TOMLKeyFormatting.path(Array(keyPath.dropLast())) + "]"
        let line = TOMLKeyFormatting.key(keyPath[keyPath.count - 1]) + " = " + rendered
        var prefix = ""
        if !bytes.isEmpty {
            prefix = bytes.last == UInt8(ascii: "\n") ? newline : newline + newline
        }
        return (SourceSpan.point(bytes.count), prefix + header + newline + line + newline)
    }

    /// Inserts a line at the end of a section's key/value lines (the root section when `path`
    /// is empty).
    private func insertionInSection(
        _ path: [String], line: String, bytes: [UInt8], newline: String
    ) -> (SourceSpan, String) {
        var inSection = path.isEmpty
        var anchor: TOMLStatement?
        var firstHeader: TOMLStatement?
        for statement in statements {
            switch statement.kind {
            case .header(let headerPath, let isArray):
                if firstHeader == nil { firstHeader = statement }
                inSection = !isArray && headerPath == path
                if inSection { anchor = statement }
            case .keyValue:
                if inSection { anchor = statement }
            }
        }
        if let anchor {
            return insertAfter(anchor.lineSpan, line: line, bytes: bytes, newline: newline)
        }
        // Root section without keys: before the first header (and the comments above it).
        if path.isEmpty, let firstHeader {
            var offset = firstHeader.lineSpan.start
            while let previous = previousLineStart(before: offset, bytes: bytes),
                isCommentOrBlank(previous, offset, bytes)
            {
                offset = previous
            }
            return (SourceSpan.point(offset), line + newline + (offset == firstHeader.lineSpan.start ? newline : ""))
        }
        let prefix = bytes.isEmpty || bytes.last == UInt8(ascii: "\n") ? "" : newline
        return (SourceSpan.point(bytes.count), prefix + line + newline)
    }

    private func previousLineStart(before offset: Int, bytes: [UInt8]) -> Int? {
        guard offset > 0 else { return nil }
        var start = offset - 1
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        return start
    }

    private func isCommentOrBlank(_ start: Int, _ end: Int, _ bytes: [UInt8]) -> Bool {
        for byte in bytes[start..<end] {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            return byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        }
        return true
    }

    /// A new line after `lineSpan`, indented like it.
    private func insertAfter(_ lineSpan: SourceSpan, line: String, bytes: [UInt8], newline: String) -> (
        SourceSpan, String
    ) {
        var indent = ""
        var index = lineSpan.start
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            indent.unicodeScalars.append(Unicode.Scalar(bytes[index]))
            index += 1
        }
        // A header line is not indented content: do not copy its indentation.
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") { indent = "" }
        let endsWithNewline = lineSpan.end > lineSpan.start && bytes[lineSpan.end - 1] == UInt8(ascii: "\n")
        return (SourceSpan.point(lineSpan.end), (endsWithNewline ? "" : newline) + indent + line + newline)
    }

    /// The last key/value statement that defines something under `path` (a dotted table).
    private func lastStatement(definingUnder path: [String]) -> TOMLStatement? {
        statements.last { statement in
            guard let keyPath = statement.keyPath, case .keyValue(let section, _, _) = statement.kind else {
                return false
            }
            return keyPath.count > path.count && keyPath.starts(with: path) && section.count <= path.count
        }
    }

    /// If `keyPath` lies inside an inline table, that table's span and the path inside it.
    private func inlineContainer(of keyPath: [String]) -> (SourceSpan, [String])? {
        var table = document.root
        for (index, segment) in keyPath.dropLast().enumerated() {
            guard let value = table[segment], let child = value.tableValue else { return nil }
            if child.definition == .inline {
                return (value.span, Array(keyPath[(index + 1)...]))
            }
            table = child
        }
        return nil
    }

    /// The bytes to cut for the member `relative` of an inline table: `key = value` and one
    /// neighbouring comma. Members written with dotted keys are not cut (they have no single
    /// value span); that edit is refused instead.
    private func inlineMemberSpan(_ inline: SourceSpan, relative: [String], bytes: [UInt8]) throws(DiagnosticError)
        -> SourceSpan
    {
        guard let table = Self.inlineTable(at: inline, in: document.root)?.tableValue,
            let index = table.entries.firstIndex(where: { $0.key.name == relative[0] })
        else {
            throw DiagnosticError(.tomlEditUnsupported(TOMLKeyFormatting.path(relative), at: document.origin(inline)))
        }
        let entries = table.entries
        func isSimple(_ entry: TOMLTable.Entry) -> Bool { entry.value.tableValue?.definition != .dotted }
        guard relative.count == 1, isSimple(entries[index]) else {
            throw DiagnosticError(.tomlEditUnsupported(TOMLKeyFormatting.path(relative), at: document.origin(inline)))
        }
        if entries.count == 1 {
            return SourceSpan(start: inline.start + 1, end: inline.end - 1)  // `{ k = v }` -> `{}`
        }
        if index + 1 < entries.count {
            return SourceSpan(start: entries[index].key.span.start, end: entries[index + 1].key.span.start)
        }
        guard isSimple(entries[index - 1]) else {
            throw DiagnosticError(.tomlEditUnsupported(TOMLKeyFormatting.path(relative), at: document.origin(inline)))
        }
        return SourceSpan(start: entries[index - 1].value.span.end, end: entries[index].value.span.end)
    }

    // MARK: - Applying

    private mutating func apply(
        _ edit: (SourceSpan, String), bytes: [UInt8], check: (TOMLDocument) -> Bool
    ) throws(DiagnosticError) {
        var output = bytes
        output.replaceSubrange(edit.0.start..<edit.0.end, with: Array(edit.1.utf8))
        try commit(String(decoding: output, as: UTF8.self), check: check)
    }

    private mutating func commit(_ newText: String, check: (TOMLDocument) -> Bool) throws(DiagnosticError) {
        let parsed: (TOMLDocument, [TOMLStatement])
        do {
            parsed = try TOMLParser.parseWithLayout(SourceFile(path: path, text: newText))
        } catch {
            throw DiagnosticError(.tomlEditFailed(at: nil))
        }
        guard check(parsed.0) else { throw DiagnosticError(.tomlEditFailed(at: nil)) }
        text = newText
        (document, statements) = parsed
    }

    // MARK: - Helpers

    /// The inline table written at `span`, found by walking the document.
    static func inlineTable(at span: SourceSpan, in root: TOMLTable) -> TOMLValue? {
        func search(_ table: TOMLTable) -> TOMLValue? {
            for entry in table.entries {
                if entry.value.span == span, entry.value.tableValue?.definition == .inline { return entry.value }
                if let child = entry.value.tableValue, let found = search(child) { return found }
            }
            return nil
        }
        return search(root)
    }

    static func value(at keyPath: [String], in root: TOMLTable) -> TOMLValue? {
        var table = root
        for segment in keyPath.dropLast() {
            guard let child = table[segment]?.tableValue else { return nil }
            table = child
        }
        return keyPath.last.flatMap { table[$0] }
    }

    static func isArrayOfTables(_ value: TOMLValue) -> Bool {
        guard case .array(let elements) = value.kind, !elements.isEmpty else { return false }
        return elements.allSatisfy { $0.tableValue?.definition == .arrayElement }
    }

    /// `\r\n` when the file's first line ending is CR LF, `\n` otherwise.
    static func lineEnding(_ bytes: [UInt8]) -> String {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return "\n" }
        return newline > 0 && bytes[newline - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }
}
