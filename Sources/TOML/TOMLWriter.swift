/// Writes TOML text from values: documents for `mino config show`, single values for the
/// editor. Output always parses back to the same values (tested by round trip).
public enum TOMLWriter {
    /// A value in inline form: `"text"`, `42`, `[1, 2]`, `{ a = 1 }`.
    public static func inline(_ kind: TOMLValue.Kind) -> String {
        switch kind {
        case .string(let value):
            return TOMLKeyFormatting.basicString(value)
        case .integer(let value):
            return String(value)
        case .float(let value):
            return TOMLValue.floatText(value)
        case .boolean(let value):
            return value ? "true" : "false"
        case .offsetDateTime(let value), .localDateTime(let value):
            return value.description
        case .localDate(let value):
            return value.description
        case .localTime(let value):
            return value.description
        case .array(let elements):
            return "[" + elements.map { inline($0.kind) }.joined(separator: ", ") + "]"
        case .table(let table):
            if table.isEmpty { return "{}" }
            let members = table.entries.map { TOMLKeyFormatting.key($0.key.name) + " = " + inline($0.value.kind) }
            return "{ " + members.joined(separator: ", ") + " }"
        }
    }

    /// A whole document: the root's plain keys first, then one `[section]` per table (in key
    /// order, depth first) and `[[section]]` per element of an array of tables. Tables with
    /// nothing but sub-tables get no header of their own.
    public static func document(_ root: TOMLTable) -> String {
        var output = ""
        writeTable(root, path: [], into: &output)
        return output
    }

    private static func isArrayOfTables(_ value: TOMLValue) -> Bool {
        guard case .array(let elements) = value.kind, !elements.isEmpty else { return false }
        return elements.allSatisfy { $0.tableValue != nil }
    }

    private static func writeTable(_ table: TOMLTable, path: [String], into output: inout String) {
        for entry in table.entries where entry.value.tableValue == nil && !isArrayOfTables(entry.value) {
            output += TOMLKeyFormatting.key(entry.key.name) + " = " + inline(entry.value.kind) + "\n"
        }
        for entry in table.entries {
            let childPath = path + [entry.key.name]
            if let child = entry.value.tableValue {
                let hasPlainKeys = child.entries.contains {
                    $0.value.tableValue == nil && !isArrayOfTables($0.value)
                }
                if hasPlainKeys || child.isEmpty {
                    if !output.isEmpty { output += "\n" }
                    output += "[" + TOMLKeyFormatting.path(childPath) + "]\n"
                }
                writeTable(child, path: childPath, into: &output)
            } else if isArrayOfTables(entry.value), let elements = entry.value.arrayValue {
                for element in elements {
                    if !output.isEmpty { output += "\n" }
                    output += "[[" + TOMLKeyFormatting.path(childPath) + "]]\n"
                    if let table = element.tableValue {
                        writeTable(table, path: childPath, into: &output)
                    }
                }
            }
        }
    }
}
