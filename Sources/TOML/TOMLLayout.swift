import Diagnostics

/// One top-level statement of a TOML document, as laid out in the text. The format-preserving
/// editor uses the layout to find where to change or insert bytes.
public struct TOMLStatement: Sendable {
    /// What the statement is.
    public enum Kind: Sendable {
        /// `[a.b]` or `[[a.b]]`.
        case header(path: [String], isArrayOfTables: Bool)
        /// `keys = value` inside the section whose table path is `sectionPath`.
        case keyValue(sectionPath: [String], keys: [TOMLKey], valueSpan: SourceSpan)
    }

    /// What the statement is.
    public let kind: Kind
    /// From the start of the statement's first line to the end of its line ending (or the end
    /// of the file), trailing comment included.
    public let lineSpan: SourceSpan

    /// The full key path a key/value statement defines (section path plus its keys).
    public var keyPath: [String]? {
        guard case .keyValue(let section, let keys, _) = kind else { return nil }
        return section + keys.map(\.name)
    }
}

extension TOMLParser {
    /// Parses a source file and also returns its statement layout.
    public static func parseWithLayout(_ source: SourceFile) throws(DiagnosticError) -> (
        TOMLDocument, [TOMLStatement]
    ) {
        do {
            let (root, statements) = try source.bytes.withUnsafeBufferPointer { buffer in
                var parser = ParserState(lexer: TOMLLexer(bytes: buffer, source: source))
                parser.layout = []
                let root = try parser.parseDocument()
                return (root, parser.layout ?? [])
            }
            return (TOMLDocument(source: source, root: root), statements)
        } catch let error as DiagnosticError {
            throw error
        } catch {
            throw DiagnosticError(.error("toml.internal", "unexpected parser failure"))
        }
    }
}
