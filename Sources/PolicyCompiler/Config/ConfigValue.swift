import Diagnostics
import PolicyModel
import TOML

/// A configuration value after decoding: the five shapes mino's settings take.
public enum ConfigValue: Hashable, Sendable {
    /// `true` / `false`.
    case boolean(Bool)
    /// A whole number.
    case integer(Int64)
    /// A string (also used for choices such as `network = "bridge"`).
    case string(String)
    /// An array of strings.
    case strings([String])
    /// A table of strings (`[container.env]`).
    case table([String: String])

    /// The value as TOML, for `mino config show` and the editor.
    public var tomlKind: TOMLValue.Kind {
        switch self {
        case .boolean(let value): return .boolean(value)
        case .integer(let value): return .integer(value)
        case .string(let value): return .string(value)
        case .strings(let values): return .array(values.map { TOMLValue(.string($0), span: .point(0)) })
        case .table(let members):
            let entries = members.keys.sorted().map { key in
                TOMLTable.Entry(
                    key: TOMLKey(name: key, span: .point(0)),
                    value: TOMLValue(.string(members[key] ?? ""), span: .point(0)))
            }
            return .table(TOMLTable(entries: entries, definition: .inline))
        }
    }

    /// The value written inline as TOML (`"bridge"`, `["a:443"]`, `{ A = "1" }`).
    public var tomlText: String { TOMLWriter.inline(tomlKind) }

    /// The value for display: for tables of environment variables, members given on the
    /// command line (`-e`) or with secret-looking names show as `<redacted>`.
    public func redacted(memberOrigins: [String: Origin]) -> ConfigValue {
        guard case .table(let members) = self else { return self }
        var shown = [String: String]()
        for (name, value) in members {
            var fromCommandLine = false
            if case .argument? = memberOrigins[name] { fromCommandLine = true }
            shown[name] = fromCommandLine || EnvironmentVariable.looksSecret(name: name) ? "<redacted>" : value
        }
        return .table(shown)
    }

    /// The value as JSON.
    public var jsonValue: JSONValue {
        switch self {
        case .boolean(let value): return .bool(value)
        case .integer(let value): return .integer(value)
        case .string(let value): return .string(value)
        case .strings(let values): return .array(values.map { .string($0) })
        case .table(let members): return .object(members.mapValues { .string($0) })
        }
    }
}

/// The type a configuration key accepts.
public enum ConfigValueType: Hashable, Sendable {
    /// `true` or `false`.
    case boolean
    /// Any string.
    case string
    /// One of a fixed set of strings.
    case choice([String])
    /// An integer within a range.
    case integer(ClosedRange<Int64>)
    /// An array of strings.
    case strings
    /// A table whose values are strings.
    case table

    /// How the type is named in messages: `a boolean`, `one of "a", "b"`, …
    public var phrase: String {
        switch self {
        case .boolean: return "a boolean"
        case .string: return "a string"
        case .choice(let values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .integer(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .strings: return "an array of strings"
        case .table: return "a table of strings"
        }
    }
}

/// Extra checks on a key's value beyond its type.
public enum ConfigConstraint: Hashable, Sendable {
    /// No further check.
    case none
    /// Every element is a `host:port` network rule.
    case networkRules
    /// Every element is an absolute path.
    case absolutePaths
    /// Every element is a path relative to the home directory (no leading `/`, no `..`).
    case homeRelativePaths
    /// Every table key is a valid environment variable name.
    case environmentNames
    /// Every element is a valid environment variable name.
    case environmentNameList
    /// A user name of 1–32 characters from `A-Za-z0-9_-`.
    case userName
    /// Every element is a layer name (`a-z0-9_-`, not starting with `-`).
    case layerNames
    /// Every element is an address block, `ADDRESS/LENGTH` with the host bits zero.
    case addressBlocks
    /// Every element is a DNS server, `ADDRESS`, `IPV4:PORT` or `[IPV6]:PORT`.
    case resolverEndpoints
    /// Every element is a DNS record type the session's resolver may forward (`TXT`, `SRV`, …).
    case recordTypes
}
