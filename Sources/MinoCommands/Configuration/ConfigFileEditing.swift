import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// Changes one key in a config file the way every writer in mino must: through the
/// format-preserving editor (comments, order and other keys stay byte for byte), only when the
/// file is valid before and after, atomically, and with the trust rule for project files — a
/// project file the user had accepted (approved, new, or narrowing only) stays accepted after
/// their own edit; a file holding unapproved widening settings stays unapproved.
///
/// Used by `mino config set` and the first-run prompts.
struct ConfigFileEditing {
    let locations: ConfigLocations
    let context: CommandContext

    /// The project file an edit with `--local` changes: the `.mino.toml` mino would load from
    /// the current directory, or a new one there.
    static func projectFile(_ locations: ConfigLocations) -> String {
        projectFile(locations, from: locations.currentDirectory)
    }

    /// The `.mino.toml` a run of `projectDirectory` loads, or a new one in that directory.
    static func projectFile(_ locations: ConfigLocations, from projectDirectory: String) -> String {
        locations.discoverProjectConfig(from: projectDirectory)
            ?? ConfigLocations.normalised(projectDirectory) + "/" + ConfigLocations.projectFileName
    }

    /// Sets `keyPath` to `value` in the file at `path` (created with `version = 1` when missing).
    func set(_ keyPath: [String], to value: TOMLValue.Kind, in path: String, local: Bool) throws(CommandFailure) {
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
        let text: String
        do {
            var editor = try TOMLEditor(text: before, path: display)
            try editor.set(keyPath, to: value)
            text = editor.text
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        let (layer, problems) = ConfigDecoder.decode(SourceFile(path: display, text: text), as: kind)
        guard let layer, !problems.contains(where: { $0.severity == .error }) else {
            throw CommandFailure(exitCode: .dataError, diagnostics: problems)
        }
        let accepted = local ? try wasAccepted(original, path: path) : false
        try CommandFailure.mapping { () throws(ExecutorFailure) in
            try ConfigFileWriter.write(text, to: path, displayPath: display, newFileMode: local ? 0o644 : 0o600)
        }
        if accepted { try keepAccepted(layer, text: text, path: path) }
    }

    /// Whether the project file before the edit was accepted as it was: missing, approved, or
    /// without settings that widen the user's policy.
    private func wasAccepted(_ original: SourceFile?, path: String) throws(CommandFailure) -> Bool {
        guard let original else { return true }
        guard let layer = ConfigDecoder.decode(original, as: .project).0 else { return false }
        let (global, _) = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try ConfigFileReader.loadGlobal(locations)
        }
        if TrustGate.evaluate(project: layer, userLayers: [.defaults, global]).widening.isEmpty { return true }
        let store = TrustStore(state: StateDirectory(environment: context.environment))
        return store.isApproved(ConfigLocations.canonical(path), sha256: SHA256.hash(original.bytes).hex)
    }

    /// Approves the edited file when it widens the policy and its earlier content was accepted.
    private func keepAccepted(_ layer: ConfigLayer, text: String, path: String) throws(CommandFailure) {
        let (global, _) = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try ConfigFileReader.loadGlobal(locations)
        }
        guard !TrustGate.evaluate(project: layer, userLayers: [.defaults, global]).widening.isEmpty else { return }
        let store = TrustStore(state: StateDirectory(environment: context.environment))
        try CommandFailure.mapping { () throws(ExecutorFailure) in
            try store.record(ConfigLocations.canonical(path), sha256: SHA256.hash(Array(text.utf8)).hex)
        }
    }
}
