import Foundation
import PolicyCompiler
import PolicyModel

/// `mino config set KEY VALUE [--local]`: changes one key in the global config (the file
/// `-c/--config` or `MINO_CONFIG` names, else the default) or, with `--local`, in the project's
/// `.mino.toml`, through the format-preserving editor: comments, order and every other key stay
/// byte for byte. Members of table keys are set one at a time: `container.env.NAME VALUE`.
///
/// A project file the user had accepted (approved, new, or narrowing only) stays accepted after
/// their own edit; a file holding unapproved widening settings stays unapproved.
enum ConfigSetCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        guard let keyArgument = parsed.argument(.key), let valueArgument = parsed.argument(.value) else {
            return .usageError
        }
        let (key, member) = try resolveKey(keyArgument)
        var setting: ConfigSetting
        switch ConfigValueText.setting(
            member == nil
                ? valueArgument.value
                : "{ \(TOMLWriter.inline(.string(member ?? ""))) = "
                    + "\(TOMLWriter.inline(.string(valueArgument.value))) }",
            for: key, at: valueArgument.origin)
        {
        case .success(let value): setting = value
        case .failure(let error): throw CommandFailure(exitCode: .usageError, diagnostics: error.diagnostics)
        }
        let locations = ConfigLocations(parsed: parsed, context: context)
        let local = parsed.flag(.local)
        let path =
            local
            ? locations.discoverProjectConfig(from: context.currentDirectory)
                ?? ConfigLocations.normalised(context.currentDirectory) + "/" + ConfigLocations.projectFileName
            : locations.globalConfigPath
        let display = locations.display(path)
        var original: SourceFile?
        switch ConfigFileReader.read(path, displayPath: display) {
        case .missing: break
        case .failed(let diagnostic): throw CommandFailure(exitCode: .failure, diagnostics: [diagnostic])
        case .file(let source): original = source
        }
        let kind: ConfigSourceKind = local ? .project : .global
        if let original {
            // Only a valid file is edited: the edit must not carry a broken file forward.
            let (layer, problems) = ConfigDecoder.decode(original, as: kind)
            guard layer != nil, !problems.contains(where: { $0.severity == .error }) else {
                throw CommandFailure(exitCode: .dataError, diagnostics: problems)
            }
        }
        let before =
            original.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "version = \(ConfigSchema.currentVersion)\n"
        let text = try edit(before, path: display) {
            editor throws(DiagnosticError) in
            if let member, case .table(let members) = setting.value {
                try editor.set(key.path + [member], to: .string(members[member] ?? ""))
            } else {
                try editor.set(key.path, to: setting.value.tomlKind)
            }
        }
        let (layer, problems) = ConfigDecoder.decode(SourceFile(path: display, text: text), as: kind)
        guard layer != nil, !problems.contains(where: { $0.severity == .error }) else {
            throw CommandFailure(exitCode: .dataError, diagnostics: problems)
        }
        let accepted = local ? try wasAccepted(original, path: path, locations: locations, context: context) : false
        try ConfigFileWriter.write(text, to: path, displayPath: display, newFileMode: local ? 0o644 : 0o600)
        if accepted, let layer {
            try keepAccepted(layer, text: text, path: path, locations: locations, context: context)
        }
        setting = ConfigSetting(key: key, value: setting.value, origin: setting.origin)
        let shown =
            member.map { name in
                EnvironmentVariable.looksSecret(name: name) ? "<redacted>" : valueArgument.value
            } ?? setting.value.redacted(memberOrigins: [:]).tomlText
        context.standardOutput.write("Set \(keyArgument.value) = \(shown) in \(display)\n")
        return .success
    }

    /// The schema key, and the member name for `TABLE.MEMBER`; unknown keys get "did you mean".
    static func resolveKey(_ argument: ParsedValue) throws(CommandFailure) -> (ConfigKey, String?) {
        let name = argument.value
        if let key = ConfigSchema.key(named: name) {
            guard key.settable, key.type != .table else {
                throw CommandFailure(
                    exitCode: .usageError, diagnostics: [.configKeyNotSettable(key, at: argument.origin)])
            }
            return (key, nil)
        }
        if let dot = name.lastIndex(of: "."), let key = ConfigSchema.key(named: String(name[..<dot])),
            key.type == .table
        {
            return (key, String(name[name.index(after: dot)...]))
        }
        let candidates = ConfigSchema.keys.filter { $0.settable && $0.type != .table }.map(\.name)
        throw CommandFailure(
            exitCode: .usageError,
            diagnostics: [
                .error(
                    "config.unknown-key", "unknown config key `\(name)`", at: argument.origin,
                    help: NameSuggestion.closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
                        ?? "`mino config show` lists every key")
            ])
    }

    private static func edit(
        _ text: String, path: String, _ change: (inout TOMLEditor) throws(DiagnosticError) -> Void
    ) throws(CommandFailure) -> String {
        do {
            var editor = try TOMLEditor(text: text, path: path)
            try change(&editor)
            return editor.text
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
    }

    /// Whether the project file before the edit was accepted as it was: missing, approved, or
    /// without settings that widen the user's policy.
    private static func wasAccepted(
        _ original: SourceFile?, path: String, locations: ConfigLocations, context: CommandContext
    ) throws(CommandFailure) -> Bool {
        guard let original else { return true }
        guard let layer = ConfigDecoder.decode(original, as: .project).0 else { return false }
        let (global, _) = try ConfigFileReader.loadGlobal(locations)
        if TrustGate.evaluate(project: layer, userLayers: [.defaults, global]).widening.isEmpty { return true }
        let store = TrustStore(state: StateDirectory(environment: context.environment))
        return store.isApproved(ConfigLocations.canonical(path), sha256: SHA256.hash(original.bytes).hex)
    }

    /// Approves the edited file when it widens the policy and its earlier content was accepted.
    private static func keepAccepted(
        _ layer: ConfigLayer, text: String, path: String, locations: ConfigLocations, context: CommandContext
    ) throws(CommandFailure) {
        let (global, _) = try ConfigFileReader.loadGlobal(locations)
        guard !TrustGate.evaluate(project: layer, userLayers: [.defaults, global]).widening.isEmpty else { return }
        let state = StateDirectory(environment: context.environment)
        do {
            try state.ensure()
            try TrustStore(state: state).approve(
                ConfigLocations.canonical(path), sha256: SHA256.hash(Array(text.utf8)).hex, at: Date())
        } catch {
            throw CommandFailure(
                exitCode: .failure, diagnostics: [.trustStoreUnwritable(error.path, reason: error.reason)])
        }
    }
}

extension Diagnostic {
    static func configKeyNotSettable(_ key: ConfigKey, at origin: Origin) -> Diagnostic {
        .error(
            "config.not-settable", "`\(key.name)` cannot be set as a whole", at: origin,
            help: key.type == .table
                ? "set one member at a time: `mino config set \(key.name).NAME VALUE`"
                : "edit the file with `mino config path` to find it")
    }
}
