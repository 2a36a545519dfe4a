import Diagnostics
import PolicyModel
import TOML

/// Decodes a layer's `layer.toml` by hand over the located TOML document: unknown keys, wrong
/// types, missing keys and invalid values are reported at their exact spans, all in one pass,
/// with a suggestion for misspelt keys.
///
/// Stricter than the reference on purpose: non-string `[env]` values are errors rather than
/// silently ignored, tool lists need their runtime, and `PATH` and `MINO_*` are not layer
/// variables (`[env.path_prepend]` is the way to extend `PATH`).
public enum LayerManifestDecoder {
    /// The top-level tables of a manifest.
    static let sections = ["layer", "env", "cache", "root_install", "user_install"]
    /// The keys of `[layer]`, all required.
    static let layerKeys = ["name", "description", "version"]
    /// The keys of `[user_install]`.
    static let userInstallKeys = ["runtime", "runtime_version", "npm_globals", "cargo_tools", "uv_tools"]

    /// Parses and decodes a manifest. The manifest is `nil` when any diagnostic is an error.
    public static func decode(_ source: SourceFile) -> (LayerManifest?, [Diagnostic]) {
        do {
            return decode(try TOMLParser.parse(source))
        } catch {
            return (nil, error.diagnostics)
        }
    }

    /// Decodes a parsed manifest. The manifest is `nil` when any diagnostic is an error.
    public static func decode(_ document: TOMLDocument) -> (LayerManifest?, [Diagnostic]) {
        var state = ManifestDecoderState(document: document)
        let manifest = state.decodeManifest()
        return (state.diagnostics.isEmpty ? manifest : nil, state.diagnostics)
    }
}

private struct ManifestDecoderState {
    let document: TOMLDocument
    var diagnostics: [Diagnostic] = []

    init(document: TOMLDocument) {
        self.document = document
    }

    func origin(_ span: SourceSpan) -> Origin { document.origin(span) }

    mutating func decodeManifest() -> LayerManifest? {
        var tables = [String: (table: TOMLTable, span: SourceSpan)]()
        for entry in document.root.entries {
            guard LayerManifestDecoder.sections.contains(entry.key.name) else {
                unknown(entry.key, path: [], valid: LayerManifestDecoder.sections)
                continue
            }
            guard let table = entry.value.tableValue else {
                diagnostics.append(
                    .layerWrongType(
                        entry.key.name, expected: "a table", found: entry.value.typeName,
                        example: "[\(entry.key.name)]", at: origin(entry.value.span)))
                continue
            }
            tables[entry.key.name] = (table, entry.value.span)
        }
        guard let layer = tables["layer"] else {
            // A `layer` of the wrong type was reported above.
            if document.root["layer"] == nil { diagnostics.append(.layerMissingLayerTable(at: origin(.point(0)))) }
            return nil
        }
        let layerOrigin = origin(layer.span)
        var fields = [String: Sourced<String>]()
        for entry in layer.table.entries {
            guard LayerManifestDecoder.layerKeys.contains(entry.key.name) else {
                unknown(entry.key, path: ["layer"], valid: LayerManifestDecoder.layerKeys)
                continue
            }
            fields[entry.key.name] = string(entry.value, path: "layer.\(entry.key.name)")
        }
        for key in LayerManifestDecoder.layerKeys where layer.table[key] == nil {
            diagnostics.append(.layerMissingKey("layer.\(key)", example: "\(key) = \"…\"", at: layerOrigin))
        }
        if let name = fields["name"], !LayerName.isValid(name.value) {
            diagnostics.append(.layerInvalidName(name.value, at: name.origin))
        }
        for key in ["description", "version"] {
            guard let field = fields[key] else { continue }
            if field.value.isEmpty || LayerValueSyntax.hasControlCharacter(field.value) {
                diagnostics.append(
                    .layerInvalidValue(
                        "layer.\(key)", value: field.value, reason: "is empty or holds control characters",
                        help: "write one line of text", at: field.origin))
            }
        }
        var manifest = LayerManifest(
            name: fields["name"] ?? Sourced("", layerOrigin),
            description: fields["description"] ?? Sourced("", layerOrigin),
            version: fields["version"] ?? Sourced("", layerOrigin), origin: layerOrigin)
        if let env = tables["env"] { decodeEnvironment(env.table, into: &manifest) }
        if let cache = tables["cache"] {
            manifest.cachePaths = decodeList(cache.table, section: "cache", key: "paths") { path in
                LayerValueSyntax.pathProblem(path, allowColon: true)
            }
        }
        if let root = tables["root_install"] {
            manifest.rootPackages = decodeList(root.table, section: "root_install", key: "packages") { package in
                LayerValueSyntax.isPackageName(package)
                    ? nil
                    : (
                        "is not a valid package name",
                        "package names use letters, digits, `.`, `_`, `+` and `-`, and do not start with `-`"
                    )
            }
        }
        if let user = tables["user_install"] {
            manifest.userInstall = decodeUserInstall(user.table, origin: origin(user.span))
        }
        return manifest
    }

    mutating func unknown(_ key: TOMLKey, path: [String], valid: [String]) {
        diagnostics.append(
            .layerUnknownKey(
                TOMLKeyFormatting.path(path + [key.name]), suggestion: NameSuggestion.closest(to: key.name, in: valid),
                valid: valid, at: origin(key.span)))
    }

    mutating func string(_ value: TOMLValue, path: String) -> Sourced<String>? {
        guard let text = value.stringValue else {
            let key = path.split(separator: ".").last.map(String.init) ?? path
            diagnostics.append(
                .layerWrongType(
                    path, expected: "a string", found: value.typeName, example: "\(key) = \"text\"",
                    at: origin(value.span)))
            return nil
        }
        return Sourced(text, origin(value.span))
    }

    mutating func strings(_ value: TOMLValue, path: String) -> [Sourced<String>]? {
        let key = path.split(separator: ".").last.map(String.init) ?? path
        guard let elements = value.arrayValue else {
            diagnostics.append(
                .layerWrongType(
                    path, expected: "an array of strings", found: value.typeName, example: "\(key) = [\"a\", \"b\"]",
                    at: origin(value.span)))
            return nil
        }
        var result = [Sourced<String>]()
        for element in elements {
            guard let text = element.stringValue else {
                diagnostics.append(
                    .layerWrongType(
                        path, expected: "an array of strings",
                        found: "array holding \(englishArticle(element.typeName)) \(element.typeName)",
                        example: "\(key) = [\"a\", \"b\"]", at: origin(element.span)))
                return nil
            }
            result.append(Sourced(text, origin(element.span)))
        }
        return result
    }

    /// A table holding exactly one list `key`, each element checked by `problem`.
    mutating func decodeList(
        _ table: TOMLTable, section: String, key: String, problem: (String) -> (reason: String, help: String)?
    ) -> [Sourced<String>] {
        var result = [Sourced<String>]()
        for entry in table.entries {
            guard entry.key.name == key else {
                unknown(entry.key, path: [section], valid: [key])
                continue
            }
            result = checked(strings(entry.value, path: "\(section).\(key)") ?? [], path: "\(section).\(key)", problem)
        }
        return result
    }

    mutating func checked(
        _ values: [Sourced<String>], path: String, _ problem: (String) -> (reason: String, help: String)?
    ) -> [Sourced<String>] {
        var valid = [Sourced<String>]()
        for value in values {
            if let found = problem(value.value) {
                diagnostics.append(
                    .layerInvalidValue(
                        path, value: value.value, reason: found.reason, help: found.help, at: value.origin))
            } else {
                valid.append(value)
            }
        }
        return valid
    }

    mutating func decodeEnvironment(_ table: TOMLTable, into manifest: inout LayerManifest) {
        var variables = [LayerVariable]()
        for entry in table.entries {
            let name = entry.key.name
            let path = "env." + TOMLKeyFormatting.key(name)
            if name == "path_prepend" {
                guard let prepend = entry.value.tableValue else {
                    diagnostics.append(
                        .layerWrongType(
                            "env.path_prepend", expected: "a table", found: entry.value.typeName,
                            example: "[env.path_prepend] dirs = [\"/opt/tool/bin\"]", at: origin(entry.value.span)))
                    continue
                }
                manifest.pathPrepend = decodeList(prepend, section: "env.path_prepend", key: "dirs") { dir in
                    LayerValueSyntax.pathProblem(dir, allowColon: false)
                }
                continue
            }
            guard let value = string(entry.value, path: path) else { continue }
            if let problem = LayerValueSyntax.environmentNameProblem(name) {
                diagnostics.append(
                    .layerInvalidValue(
                        "env", value: name, reason: problem.reason, help: problem.help, at: origin(entry.key.span)))
                continue
            }
            variables.append(LayerVariable(name: name, value: value.value, origin: origin(entry.key.span)))
        }
        manifest.environment = variables.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    mutating func decodeUserInstall(_ table: TOMLTable, origin tableOrigin: Origin) -> UserInstall {
        var install = UserInstall(runtime: nil, origin: tableOrigin)
        var lists = [String: (values: [Sourced<String>], origin: Origin)]()
        for entry in table.entries {
            let path = "user_install.\(entry.key.name)"
            switch entry.key.name {
            case "runtime":
                guard let value = string(entry.value, path: path) else { continue }
                if let runtime = UserInstall.Runtime(rawValue: value.value) {
                    install.runtime = Sourced(runtime, value.origin)
                } else {
                    diagnostics.append(
                        .layerInvalidChoice(
                            path, value: value.value, choices: UserInstall.Runtime.allCases.map(\.rawValue),
                            at: value.origin))
                }
            case "runtime_version":
                guard let value = string(entry.value, path: path) else { continue }
                install.runtimeVersion = checked([value], path: path, LayerValueSyntax.toolProblem).first
            case "npm_globals", "cargo_tools", "uv_tools":
                let values = checked(strings(entry.value, path: path) ?? [], path: path, LayerValueSyntax.toolProblem)
                lists[entry.key.name] = (values, origin(entry.key.span))
            default:
                unknown(entry.key, path: ["user_install"], valid: LayerManifestDecoder.userInstallKeys)
            }
        }
        let owners: [(key: String, runtime: UserInstall.Runtime)] = [
            ("npm_globals", .nvm), ("cargo_tools", .rustup), ("uv_tools", .uv),
        ]
        for (key, runtime) in owners {
            guard let list = lists[key], !list.values.isEmpty else { continue }
            if install.runtime?.value != runtime {
                diagnostics.append(
                    .layerToolsNeedRuntime("user_install.\(key)", runtime: runtime.rawValue, at: list.origin))
            }
        }
        install.npmGlobals = lists["npm_globals"]?.values ?? []
        install.cargoTools = lists["cargo_tools"]?.values ?? []
        install.uvTools = lists["uv_tools"]?.values ?? []
        return install
    }
}
