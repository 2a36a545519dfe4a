import Diagnostics
import PolicyModel
import TOML

/// The message catalogue of configuration decoding and validation.
extension Diagnostic {
    static func policyUnknownKey(_ path: String, suggestion: String?, valid: [String], at origin: Origin) -> Diagnostic
    {
        .error(
            "policy.unknown-key", "unknown key `\(path)`", at: origin,
            help: suggestion.map { "did you mean `\($0)`?" }
                ?? "valid keys here: " + valid.map { "`\($0)`" }.joined(separator: ", "))
    }

    static func policyWrongType(_ path: String, expected: ConfigValueType, found: String, at origin: Origin)
        -> Diagnostic
    {
        .error(
            "policy.wrong-type", "`\(path)` must be \(expected.phrase), found \(englishArticle(found)) \(found)",
            at: origin,
            help: "for example: \(example(path, expected))")
    }

    static func policyExpectedTable(_ path: String, found: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.wrong-type", "`\(path)` must be a table, found \(englishArticle(found)) \(found)", at: origin,
            help: "write it as a section: `[\(path)]`")
    }

    static func policyInvalidChoice(_ path: String, value: String, choices: [String], at origin: Origin) -> Diagnostic {
        let suggestion = NameSuggestion.closest(to: value, in: choices)
        return .error(
            "policy.invalid-value",
            "`\(path)` must be one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ") + ", found \"\(value)\"",
            at: origin, help: suggestion.map { "did you mean \"\($0)\"?" })
    }

    static func policyOutOfRange(_ path: String, value: Int64, range: ClosedRange<Int64>, at origin: Origin)
        -> Diagnostic
    {
        .error(
            "policy.out-of-range", "`\(path)` is \(value), outside \(range.lowerBound)-\(range.upperBound)",
            at: origin, help: "use a value from \(range.lowerBound) to \(range.upperBound)")
    }

    static func policyInvalidNetworkRule(_ message: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.invalid-network-rule", "invalid network rule: \(message)", at: origin,
            help: "write rules as `host:port`, e.g. `github.com:443` or `[2001:db8::1]:443`")
    }

    static func policyInvalidElement(_ path: String, value: String, reason: String, help: String, at origin: Origin)
        -> Diagnostic
    {
        .error("policy.invalid-value", "`\(path)` entry `\(value)` \(reason)", at: origin, help: help)
    }

    static func policyUserOnlyKey(_ path: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.user-only-key", "`\(path)` can only be set in your own config, not in a project config",
            at: origin,
            help:
                "a repository may not change how names resolve or what they may open; remove it here and, if you "
                + "want it, run `mino config set \(path) VALUE`")
    }

    static func policyUnsupportedVersion(_ version: Int64, at origin: Origin) -> Diagnostic {
        .error(
            "policy.unsupported-version",
            "`version = \(version)` is newer than this mino understands (highest supported: \(ConfigSchema.currentVersion))",
            at: origin, help: "upgrade mino, or write `version = \(ConfigSchema.currentVersion)`")
    }

    static func policyInvalidVersion(_ version: Int64, at origin: Origin) -> Diagnostic {
        .error(
            "policy.invalid-version", "`version = \(version)` is not a valid schema version", at: origin,
            help: "write `version = \(ConfigSchema.currentVersion)`")
    }

    private static func example(_ path: String, _ type: ConfigValueType) -> String {
        let key = path.split(separator: ".").last.map(String.init) ?? path
        switch type {
        case .boolean: return "`\(key) = true`"
        case .string: return "`\(key) = \"text\"`"
        case .choice(let values): return "`\(key) = \"\(values.first ?? "")\"`"
        case .integer(let range): return "`\(key) = \(max(range.lowerBound, min(range.upperBound, 1)))`"
        case .strings: return "`\(key) = [\"a\", \"b\"]`"
        case .table: return "`[\(path)]` with `NAME = \"value\"` lines"
        }
    }
}
