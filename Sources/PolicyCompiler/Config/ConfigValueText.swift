import Diagnostics
import PolicyModel
import TOML

/// A value typed on the command line (`mino config set KEY VALUE`), read by the key's type.
///
/// Booleans accept `true/false`, `yes/no`, `on/off` and `1/0` (any case); integers are
/// decimal; lists are a TOML array (`["a:443", "b:443"]`) or comma-separated words (trimmed,
/// empty ones dropped); tables are a TOML inline table (`{ A = "1" }`). Every value is then
/// checked like a value from a file.
public enum ConfigValueText {
    /// The typed setting, or the problems with the text; `origin` is where the text was given.
    public static func setting(_ text: String, for key: ConfigKey, at origin: Origin) -> Result<
        ConfigSetting, DiagnosticError
    > {
        let value: ConfigValue
        switch key.type {
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "on", "1": value = .boolean(true)
            case "false", "no", "off", "0": value = .boolean(false)
            default: return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
            }
        case .integer:
            guard let number = Int64(text) else {
                return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
            }
            value = .integer(number)
        case .string, .choice:
            value = .string(text)
        case .strings:
            if text.hasPrefix("[") {
                guard case .array(let elements)? = inlineTOML(text) else {
                    return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
                }
                var strings = [String]()
                for element in elements {
                    guard case .string(let string) = element.kind else {
                        return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
                    }
                    strings.append(string)
                }
                value = .strings(strings)
            } else {
                value = .strings(
                    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
        case .table:
            guard case .table(let table)? = inlineTOML(text) else {
                return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
            }
            var members = [String: String]()
            for entry in table.entries {
                guard case .string(let string) = entry.value.kind else {
                    return .failure(DiagnosticError(.configTextWrongType(key, text, at: origin)))
                }
                members[entry.key.name] = string
            }
            value = .table(members)
        }
        let setting = ConfigSetting(key: key, value: value, origin: origin)
        let problems = ConfigValidation.check(setting)
        return problems.isEmpty ? .success(setting) : .failure(DiagnosticError(problems))
    }

    /// The value of `text` read as a TOML value, or `nil` when it is not one.
    private static func inlineTOML(_ text: String) -> TOMLValue.Kind? {
        guard !text.contains("\n"),
            let document = try? TOMLParser.parse(SourceFile(path: "<value>", text: "v = " + text))
        else { return nil }
        return document.root["v"]?.kind
    }
}

extension Diagnostic {
    static func configTextWrongType(_ key: ConfigKey, _ text: String, at origin: Origin) -> Diagnostic {
        let example: String
        switch key.type {
        case .boolean: example = "true or false"
        case .integer: example = "a whole number, e.g. 30"
        case .strings: example = "comma-separated words, e.g. `a,b`, or a TOML array `[\"a\", \"b\"]`"
        case .table: example = "a TOML inline table, e.g. `{ NAME = \"value\" }`"
        case .string, .choice: example = "any text"
        }
        return .error(
            "config.invalid-value", "`\(text)` is not \(key.type.phrase) (for `\(key.name)`)", at: origin,
            help: "give \(example)")
    }
}
