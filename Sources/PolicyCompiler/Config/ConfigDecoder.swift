import Diagnostics
import PolicyModel
import TOML

/// Decodes a parsed config or policy file against `ConfigSchema`, by hand: every unknown key,
/// wrong type and invalid value is reported at its exact span, all of them in one pass.
public enum ConfigDecoder {
    /// The layer and every diagnostic found. The layer holds the settings that decoded
    /// cleanly; callers must not use it when any diagnostic is an error.
    public static func decode(_ document: TOMLDocument, as kind: ConfigSourceKind) -> (ConfigLayer, [Diagnostic]) {
        var state = DecoderState(document: document, kind: kind)
        var layer = ConfigLayer(kind: kind, source: document.source)
        for entry in document.root.entries {
            if entry.key.name == "version" {
                layer.version = state.decodeVersion(entry.value)
            } else {
                state.decode(entry, prefix: [])
            }
        }
        layer.settings = state.settings
        return (layer, state.diagnostics)
    }

    /// Parses and decodes a file; syntax errors come back as diagnostics too.
    public static func decode(_ source: SourceFile, as kind: ConfigSourceKind) -> (ConfigLayer?, [Diagnostic]) {
        do {
            let document = try TOMLParser.parse(source)
            let (layer, diagnostics) = decode(document, as: kind)
            return (layer, diagnostics)
        } catch {
            return (nil, error.diagnostics)
        }
    }
}

private struct DecoderState {
    let document: TOMLDocument
    let kind: ConfigSourceKind
    var settings: [String: ConfigSetting] = [:]
    var diagnostics: [Diagnostic] = []

    init(document: TOMLDocument, kind: ConfigSourceKind) {
        self.document = document
        self.kind = kind
    }

    /// File spans, or preset spans for built-in presets (shown as `preset dev`).
    func origin(_ span: SourceSpan) -> Origin {
        if case .preset(let name) = kind {
            return .preset(name: name, location: FileSpan(file: document.source, span: span))
        }
        return document.origin(span)
    }

    mutating func decodeVersion(_ value: TOMLValue) -> Int64? {
        guard let version = value.integerValue else {
            diagnostics.append(
                .policyWrongType("version", expected: .integer(1...1), found: value.typeName, at: origin(value.span)))
            return nil
        }
        if version > ConfigSchema.currentVersion {
            diagnostics.append(.policyUnsupportedVersion(version, at: origin(value.span)))
        } else if version < 1 {
            diagnostics.append(.policyInvalidVersion(version, at: origin(value.span)))
        }
        return version
    }

    mutating func decode(_ entry: TOMLTable.Entry, prefix: [String]) {
        let path = prefix + [entry.key.name]
        let dotted = path.joined(separator: ".")
        if let key = ConfigSchema.key(at: path) {
            // INVARIANT: a repository's file never sets a user-only key, whatever the trust
            // decision later; refusing it here puts the error at the key, with file:line:col.
            if kind == .project, key.trust == .userOnly {
                diagnostics.append(.policyUserOnlyKey(key.name, at: origin(entry.key.span)))
                return
            }
            decodeValue(entry.value, key: key)
            return
        }
        if ConfigSchema.isSection(path) {
            guard let table = entry.value.tableValue else {
                diagnostics.append(
                    .policyExpectedTable(dotted, found: entry.value.typeName, at: origin(entry.value.span)))
                return
            }
            for child in table.entries {
                decode(child, prefix: path)
            }
            return
        }
        let siblings = ConfigSchema.childNames(of: prefix)
        diagnostics.append(
            .policyUnknownKey(
                dotted, suggestion: NameSuggestion.closest(to: entry.key.name, in: siblings), valid: siblings,
                at: origin(entry.key.span)))
    }

    mutating func wrongType(_ key: ConfigKey, _ value: TOMLValue) {
        diagnostics.append(
            .policyWrongType(key.name, expected: key.type, found: value.typeName, at: origin(value.span)))
    }

    mutating func decodeValue(_ value: TOMLValue, key: ConfigKey) {
        let decoded: ConfigValue
        var elementOrigins = [Origin]()
        var memberOrigins = [String: Origin]()
        switch key.type {
        case .boolean:
            guard let flag = value.booleanValue else { return wrongType(key, value) }
            decoded = .boolean(flag)
        case .string, .choice:
            guard let text = value.stringValue else { return wrongType(key, value) }
            decoded = .string(text)
        case .integer:
            guard let number = value.integerValue else { return wrongType(key, value) }
            decoded = .integer(number)
        case .strings:
            guard let elements = value.arrayValue else { return wrongType(key, value) }
            var strings = [String]()
            for element in elements {
                guard let text = element.stringValue else {
                    let found = "array holding \(englishArticle(element.typeName)) \(element.typeName)"
                    diagnostics.append(
                        .policyWrongType(key.name, expected: .strings, found: found, at: origin(element.span)))
                    return
                }
                strings.append(text)
                elementOrigins.append(origin(element.span))
            }
            decoded = .strings(strings)
        case .table:
            guard let table = value.tableValue else { return wrongType(key, value) }
            var members = [String: String]()
            for entry in table.entries {
                guard let text = entry.value.stringValue else {
                    diagnostics.append(
                        .policyWrongType(
                            key.name + "." + TOMLKeyFormatting.key(entry.key.name), expected: .string,
                            found: entry.value.typeName, at: origin(entry.value.span)))
                    return
                }
                members[entry.key.name] = text
                memberOrigins[entry.key.name] = origin(entry.key.span)
            }
            decoded = .table(members)
        }
        let setting = ConfigSetting(
            key: key, value: decoded, origin: origin(value.span), elementOrigins: elementOrigins,
            memberOrigins: memberOrigins)
        let problems = ConfigValidation.check(setting)
        guard problems.isEmpty else {
            diagnostics += problems
            return
        }
        settings[key.name] = setting
    }
}
