import Diagnostics

/// One segment of a key as written in the document (`a`, `"b.c"` or `'d'` in `a."b.c".'d'`).
public struct TOMLKey: Hashable, Sendable {
    /// The key after unquoting and unescaping.
    public let name: String
    /// Where the segment is written (including quotes).
    public let span: SourceSpan

    /// Creates a key segment.
    public init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// A TOML value with the span it was written at.
///
/// Spans make every decoding error point at the exact bytes: a scalar's span covers its
/// literal, an array's or inline table's covers the brackets, a table defined by a header covers
/// the header, and a table created implicitly covers the key that created it.
public struct TOMLValue: Sendable {
    /// The value itself.
    public enum Kind: Sendable {
        /// A string of any of the four kinds, after unescaping.
        case string(String)
        /// A 64-bit signed integer in any base.
        case integer(Int64)
        /// A float, including `inf` and `nan`.
        case float(Double)
        /// `true` or `false`.
        case boolean(Bool)
        /// A date-time with an offset (`1979-05-27T07:32:00Z`).
        case offsetDateTime(TOMLDateTime)
        /// A date-time without an offset.
        case localDateTime(TOMLDateTime)
        /// A date without a time.
        case localDate(TOMLDate)
        /// A time without a date.
        case localTime(TOMLTime)
        /// An array, static (`[1, 2]`) or of tables (`[[x]]`).
        case array([TOMLValue])
        /// A table of any kind.
        case table(TOMLTable)
    }

    /// The value.
    public let kind: Kind
    /// Where it is written.
    public let span: SourceSpan

    /// Creates a located value.
    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The TOML type name used in messages: `string`, `integer`, `float`, `boolean`,
    /// `offset date-time`, `local date-time`, `local date`, `local time`, `array`, `table`.
    public var typeName: String {
        switch kind {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .offsetDateTime: return "offset date-time"
        case .localDateTime: return "local date-time"
        case .localDate: return "local date"
        case .localTime: return "local time"
        case .array: return "array"
        case .table: return "table"
        }
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = kind { return value }
        return nil
    }

    /// The integer, if this is an integer.
    public var integerValue: Int64? {
        if case .integer(let value) = kind { return value }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var booleanValue: Bool? {
        if case .boolean(let value) = kind { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = kind { return value }
        return nil
    }

    /// The table, if this is a table.
    public var tableValue: TOMLTable? {
        if case .table(let value) = kind { return value }
        return nil
    }
}

/// A table: keys in the order they were first written, each with its located value.
public struct TOMLTable: Sendable {
    /// How a table came to exist; the editor and the redefinition rules depend on it.
    public enum Definition: Sendable, Hashable {
        /// The document itself.
        case root
        /// Declared by a `[header]`.
        case header
        /// Created as a parent of a header (`a` in `[a.b]`) and never declared itself.
        case implicit
        /// Created by a dotted key (`a` in `a.b = 1`).
        case dotted
        /// Written as `{ … }`.
        case inline
        /// One element of an array of tables (`[[x]]`).
        case arrayElement
    }

    /// One key of the table.
    public struct Entry: Sendable {
        /// The key segment where the key was first written.
        public let key: TOMLKey
        /// The value.
        public let value: TOMLValue

        /// Creates an entry.
        public init(key: TOMLKey, value: TOMLValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in the order their keys were first written.
    public let entries: [Entry]
    /// How the table was defined.
    public let definition: Definition
    /// A key index for tables larger than `linearLookupLimit`; smaller ones are searched.
    private let index: [String: Int]?

    /// Up to this many keys, lookups scan the entries instead of hashing.
    static let linearLookupLimit = 12

    /// Creates a table from entries with distinct keys.
    public init(entries: [Entry], definition: Definition) {
        var index: [String: Int]?
        if entries.count > TOMLTable.linearLookupLimit {
            var built = [String: Int](minimumCapacity: entries.count)
            for (position, entry) in entries.enumerated() {
                built[entry.key.name] = position
            }
            index = built
        }
        self.init(entries: entries, definition: definition, index: index)
    }

    init(entries: [Entry], definition: Definition, index: [String: Int]?) {
        self.entries = entries
        self.definition = definition
        self.index = index
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex { $0.key.name == key }
    }

    /// The entry for a key, if present.
    public func entry(_ key: String) -> Entry? {
        position(of: key).map { entries[$0] }
    }

    /// The value for a key, if present.
    public subscript(key: String) -> TOMLValue? {
        position(of: key).map { entries[$0].value }
    }

    /// The keys in document order.
    public var keys: [String] { entries.map(\.key.name) }

    /// Whether the table has no keys.
    public var isEmpty: Bool { entries.isEmpty }
}

/// A parsed TOML document and the source it was parsed from.
public struct TOMLDocument: Sendable {
    /// The source file; spans in `root` point into it.
    public let source: SourceFile
    /// The root table.
    public let root: TOMLTable

    /// Creates a document (normally through `TOMLParser.parse`).
    public init(source: SourceFile, root: TOMLTable) {
        self.source = source
        self.root = root
    }

    /// An origin for a span of this document.
    public func origin(_ span: SourceSpan) -> Origin {
        .file(FileSpan(file: source, span: span))
    }
}
