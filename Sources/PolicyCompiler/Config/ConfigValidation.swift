import Diagnostics
import PolicyModel
import TOML

/// Checks a decoded setting against its key's type range, choices and constraint, wherever
/// the value came from (a file, a flag, an environment variable). Each problem is reported at
/// the element, member or value that causes it.
public enum ConfigValidation {
    /// Every problem with `setting`; empty when it is valid.
    public static func check(_ setting: ConfigSetting) -> [Diagnostic] {
        let key = setting.key
        var problems = [Diagnostic]()
        switch (key.type, setting.value) {
        case (.choice(let choices), .string(let text)):
            if !choices.contains(text) {
                problems.append(.policyInvalidChoice(key.name, value: text, choices: choices, at: setting.origin))
            }
        case (.integer(let range), .integer(let number)):
            if !range.contains(number) {
                problems.append(.policyOutOfRange(key.name, value: number, range: range, at: setting.origin))
            }
        default:
            break
        }
        guard problems.isEmpty else { return problems }
        func each(_ problem: (String) -> (reason: String, help: String)?) {
            switch setting.value {
            case .strings(let values):
                for (index, text) in values.enumerated() {
                    if let found = problem(text) {
                        problems.append(
                            .policyInvalidElement(
                                key.name, value: text, reason: found.reason, help: found.help,
                                at: setting.origin(ofElement: index)))
                    }
                }
            case .table(let members):
                for name in members.keys.sorted() {
                    if let found = problem(name) {
                        problems.append(
                            .policyInvalidElement(
                                key.name, value: name, reason: found.reason, help: found.help,
                                at: setting.origin(ofMember: name)))
                    }
                }
            case .string(let text):
                if let found = problem(text) {
                    problems.append(
                        .policyInvalidElement(
                            key.name, value: text, reason: found.reason, help: found.help, at: setting.origin))
                }
            default:
                break
            }
        }
        switch key.constraint {
        case .none:
            break
        case .networkRules:
            if case .strings(let rules) = setting.value {
                for (index, rule) in rules.enumerated() {
                    if case .failure(let failure) = NetworkRuleSyntax.parse(rule) {
                        problems.append(
                            .policyInvalidNetworkRule(failure.message, at: setting.origin(ofElement: index)))
                    }
                }
            }
        case .absolutePaths:
            each { path in
                path.hasPrefix("/") && !path.contains("\0") && !path.contains("\n")
                    ? nil : ("is not an absolute path", "write paths starting with `/`")
            }
        case .homeRelativePaths:
            each { path in
                let parts = path.split(separator: "/")
                if path.isEmpty || path.hasPrefix("/") || path.hasPrefix("~") || parts.contains("..")
                    || path.contains("\0") || path.contains("\n")
                {
                    return (
                        "is not a path inside the home directory",
                        "write it relative to the home directory, e.g. `.config/nvim`"
                    )
                }
                return nil
            }
        case .environmentNames, .environmentNameList:
            each { name in
                EnvironmentName.isValid(name)
                    ? nil
                    : (
                        "is not a valid environment variable name",
                        "use letters, digits and `_`, not starting with a digit"
                    )
            }
        case .userName:
            each { name in
                (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { TOMLLexer.isBareKeyByte($0) }
                    && !name.hasPrefix("-")
                    ? nil
                    : ("is not a valid user name", "use 1-32 characters from A-Z a-z 0-9 _ and -, not starting with -")
            }
        case .layerNames:
            each { name in
                LayerName.isValid(name)
                    ? nil
                    : ("is not a valid layer name", "use letters, digits, `_` and `-`, not starting with `-`")
            }
        case .addressBlocks:
            each { text in
                guard case .failure(let failure) = ResolverSettingsSyntax.network(text) else { return nil }
                return (failure.reason, failure.help)
            }
        case .resolverEndpoints:
            each { text in
                guard case .failure(let failure) = ResolverSettingsSyntax.resolverEndpoint(text) else { return nil }
                return (failure.reason, failure.help)
            }
        case .recordTypes:
            each { text in
                guard case .failure(let failure) = ResolverSettingsSyntax.recordType(text) else { return nil }
                return (failure.reason, failure.help)
            }
        }
        return problems
    }
}
