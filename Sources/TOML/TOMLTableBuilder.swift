import Diagnostics

/// The mutable table tree the parser fills in, with what TOML's redefinition rules need to
/// know about each table; frozen into `TOMLTable` values at the end.
///
/// The rules, in short (TOML 1.0):
/// - a key is defined once;
/// - a `[header]` declares a table once; it may declare a table that so far only existed as
///   the parent of another header, but not one created by dotted keys;
/// - dotted keys may add to tables they created in the same section, and may pass through
///   tables that only exist as parents of headers, but not into a table declared by a header
///   or created by dotted keys in an earlier section;
/// - inline tables and arrays written with `=` are complete where they are written;
/// - `[[x]]` appends to an array of tables, never to an array written with `=`.
final class TableNode {
    enum Child {
        /// A finished value: scalar, static array or inline table.
        case value(TOMLValue)
        case table(TableNode)
        case arrayOfTables(ArrayOfTablesNode)
    }

    struct Slot {
        let key: TOMLKey
        var child: Child
    }

    var definition: TOMLTable.Definition
    /// The span that defines the table (header, dotted key segment, or the implicit parent's
    /// key in the header that created it).
    var span: SourceSpan
    /// The section (counted by headers) in which dotted keys created this table.
    var dottedSection: Int
    private(set) var slots: [Slot] = []
    /// Built once a table grows past `TOMLTable.linearLookupLimit` keys; small tables are
    /// searched linearly, which is faster than hashing for the handful of keys most have.
    private var index: [String: Int]?

    init(definition: TOMLTable.Definition, span: SourceSpan, dottedSection: Int = -1) {
        self.definition = definition
        self.span = span
        self.dottedSection = dottedSection
    }

    private func position(of name: String) -> Int? {
        if let index { return index[name] }
        return slots.firstIndex { $0.key.name == name }
    }

    func child(_ name: String) -> Child? {
        position(of: name).map { slots[$0].child }
    }

    func slot(_ name: String) -> Slot? {
        position(of: name).map { slots[$0] }
    }

    func insert(_ key: TOMLKey, _ child: Child) {
        slots.append(Slot(key: key, child: child))
        if index != nil {
            index?[key.name] = slots.count - 1
        } else if slots.count > TOMLTable.linearLookupLimit {
            var built = [String: Int](minimumCapacity: slots.count * 2)
            for (position, slot) in slots.enumerated() { built[slot.key.name] = position }
            index = built
        }
    }

    /// The immutable table.
    func freeze() -> TOMLTable {
        var entries = [TOMLTable.Entry]()
        entries.reserveCapacity(slots.count)
        for slot in slots {
            let value: TOMLValue
            switch slot.child {
            case .value(let leaf):
                value = leaf
            case .table(let node):
                value = TOMLValue(.table(node.freeze()), span: node.span)
            case .arrayOfTables(let array):
                let elements = array.elements.map { TOMLValue(.table($0.freeze()), span: $0.span) }
                value = TOMLValue(.array(elements), span: array.span)
            }
            entries.append(TOMLTable.Entry(key: slot.key, value: value))
        }
        return TOMLTable(entries: entries, definition: definition, index: index)
    }
}

/// An array created by `[[x]]` headers.
final class ArrayOfTablesNode {
    let span: SourceSpan
    var elements: [TableNode] = []

    init(span: SourceSpan) {
        self.span = span
    }
}
