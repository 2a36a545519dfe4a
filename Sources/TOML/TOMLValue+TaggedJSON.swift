import Diagnostics

/// The "tagged JSON" form of the toml-test decoder contract: tables are objects, arrays are
/// arrays, and every scalar is `{"type": T, "value": V}` with V written as a string.
extension TOMLValue {
    /// This value in tagged JSON.
    public var taggedJSON: JSONValue {
        switch kind {
        case .string(let value):
            return Self.tagged("string", value)
        case .integer(let value):
            return Self.tagged("integer", String(value))
        case .float(let value):
            return Self.tagged("float", Self.floatText(value))
        case .boolean(let value):
            return Self.tagged("bool", value ? "true" : "false")
        case .offsetDateTime(let value):
            return Self.tagged("datetime", value.description)
        case .localDateTime(let value):
            return Self.tagged("datetime-local", value.description)
        case .localDate(let value):
            return Self.tagged("date-local", value.description)
        case .localTime(let value):
            return Self.tagged("time-local", value.description)
        case .array(let elements):
            return .array(elements.map(\.taggedJSON))
        case .table(let table):
            return table.taggedJSON
        }
    }

    private static func tagged(_ type: String, _ value: String) -> JSONValue {
        .object(["type": .string(type), "value": .string(value)])
    }

    /// `inf`, `-inf`, `nan`, or the shortest decimal that reads back as the same double.
    static func floatText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }
}

extension TOMLTable {
    /// This table in tagged JSON (an object).
    public var taggedJSON: JSONValue {
        var members = [String: JSONValue](minimumCapacity: entries.count)
        for entry in entries {
            members[entry.key.name] = entry.value.taggedJSON
        }
        return .object(members)
    }
}
