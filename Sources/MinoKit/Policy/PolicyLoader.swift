import Foundation
import PolicyCompiler
import PolicyModel

/// Loads every configuration source of a `run`/`plan` invocation, in the documented order
/// (built-in defaults < global config < project `.mino.toml` < `MINO_LAYERS` < flags), with
/// the project file passed through the trust gate.
struct PolicyLoader {
    /// What was loaded.
    struct Loaded {
        /// The merged configuration the compiler reads.
        let config: EffectiveConfig
        /// Warnings found while loading (trust, deprecations…).
        let warnings: [Diagnostic]
        /// The project file, if one was found.
        let projectFile: String?
    }

    let parsed: ParsedCommand
    let context: CommandContext
    let locations: ConfigLocations

    init(parsed: ParsedCommand, context: CommandContext) {
        self.parsed = parsed
        self.context = context
        self.locations = ConfigLocations(parsed: parsed, context: context)
    }

    /// Loads the layers for a run whose project directory is `projectDirectory`; `flags` is the
    /// command-line layer of commands that take run options (`run`, `plan`).
    func load(projectDirectory: String, flags: ConfigLayer = ConfigLayer(kind: .commandLine)) throws(CommandFailure)
        -> Loaded
    {
        let (global, globalWarnings) = try ConfigFileReader.loadGlobal(locations)
        let (environmentLayer, environmentProblems) = RunInvocation.environmentLayer(context.environment)
        if !environmentProblems.isEmpty {
            throw CommandFailure(exitCode: .dataError, diagnostics: environmentProblems)
        }
        var warnings = globalWarnings
        let userLayers = [ConfigLayer.defaults, global, environmentLayer, flags]
        var project: ConfigLayer?
        var projectFile: String?
        if !parsed.flag(.noLocal), let path = locations.discoverProjectConfig(from: projectDirectory) {
            projectFile = path
            let display = locations.display(path)
            switch ConfigFileReader.read(path, displayPath: display) {
            case .missing:
                break
            case .failed(let diagnostic):
                throw CommandFailure(exitCode: .failure, diagnostics: [diagnostic])
            case .file(let source):
                let (layer, diagnostics) = ConfigDecoder.decode(source, as: .project)
                guard let layer, !diagnostics.contains(where: { $0.severity == .error }) else {
                    throw CommandFailure(exitCode: .dataError, diagnostics: diagnostics)
                }
                warnings += diagnostics
                let (applied, trustWarnings) = try gate(
                    layer, source: source, path: path, userLayers: userLayers)
                project = applied
                warnings += trustWarnings
            }
        }
        let layers = [ConfigLayer.defaults, global] + (project.map { [$0] } ?? []) + [environmentLayer, flags]
        return Loaded(config: EffectiveConfig(layers: layers), warnings: warnings, projectFile: projectFile)
    }

    /// Applies the trust gate: the whole file when approved (trust store, `--trust-local`, or a
    /// yes at the prompt), otherwise only its narrowing settings, with a warning per held-back key.
    private func gate(
        _ layer: ConfigLayer, source: SourceFile, path: String, userLayers: [ConfigLayer]
    ) throws(CommandFailure) -> (ConfigLayer, [Diagnostic]) {
        let evaluation = TrustGate.evaluate(project: layer, userLayers: userLayers)
        guard !evaluation.widening.isEmpty else { return (layer, []) }
        let canonicalPath = ConfigLocations.canonical(path)
        let hash = SHA256.hash(source.bytes).hex
        let store = TrustStore(state: StateDirectory(environment: context.environment))
        let (_, storeWarning) = store.load()
        let warnings = storeWarning.map { [$0] } ?? []
        if store.isApproved(canonicalPath, sha256: hash) {
            return (layer, warnings)
        }
        if let trust = parsed.flagSetting(.trustLocal), trust.isOn {
            let (applied, notes) = Self.applyTrust(
                layer, evaluation: evaluation, file: source.path, decision: .trustLocal(trust.origin))
            return (applied, warnings + notes)
        }
        if context.isInteractive, askApproval(evaluation, file: source.path, hash: hash) {
            try store.record(canonicalPath, sha256: hash)
            return (layer, warnings)
        }
        let (applied, notes) = Self.applyTrust(layer, evaluation: evaluation, file: source.path, decision: .notApproved)
        return (applied, warnings + notes)
    }

    /// How an unapproved project file with widening settings is treated.
    enum TrustDecision {
        /// `--trust-local` / `MINO_TRUST_LOCAL`: everything applies, with a warning naming the keys.
        case trustLocal(Origin)
        /// Only the narrowing settings apply; each held-back key gets a warning at its span.
        case notApproved
    }

    /// The project layer to use for a decision, and the warnings that say what happened.
    static func applyTrust(
        _ layer: ConfigLayer, evaluation: TrustGate.Evaluation, file: String, decision: TrustDecision
    ) -> (ConfigLayer, [Diagnostic]) {
        guard !evaluation.widening.isEmpty else { return (layer, []) }
        switch decision {
        case .trustLocal(let origin):
            let keys = evaluation.widening.map(\.setting.key.name)
            return (layer, [.trustLocalApplied(keys: keys, file: file, at: origin)])
        case .notApproved:
            let warnings = evaluation.widening.map {
                Diagnostic.trustWideningIgnored($0.setting.key.name, file: file, at: $0.setting.origin)
            }
            return (evaluation.narrowing, warnings)
        }
    }

    /// Shows the effective difference and asks once; anything but `y`/`yes` declines.
    private func askApproval(_ evaluation: TrustGate.Evaluation, file: String, hash: String) -> Bool {
        var text = "\nThe project config \(file) widens your sandbox policy:\n"
        let width = evaluation.widening.map(\.setting.key.name.count).max() ?? 0
        for widening in evaluation.widening {
            let name = widening.setting.key.name
            // Values are shown redacted: the prompt goes to the terminal and to any log of it.
            let yours =
                widening.userSetting.map { $0.value.redacted(memberOrigins: $0.memberOrigins).tomlText } ?? "not set"
            let theirs = widening.setting.value.redacted(memberOrigins: widening.setting.memberOrigins).tomlText
            text += "  \(name)\(String(repeating: " ", count: width - name.count))  \(theirs)"
            text += "  (yours: \(yours))\n"
        }
        context.standardError.write(text)
        return Menu(context: context).confirm(
            "Approve this exact file (sha256 \(hash.prefix(12))…)? It stays approved until it changes.")
    }

}

extension Diagnostic {
    static func trustWideningIgnored(_ key: String, file: String, at origin: Origin) -> Diagnostic {
        .warning(
            "trust.widening-ignored",
            "`\(key)` in the unapproved project config `\(file)` would widen your policy; ignored",
            at: origin,
            help: "review the file, then approve it by running mino in a terminal, or pass --trust-local for this run")
    }

    static func trustLocalApplied(keys: [String], file: String, at origin: Origin) -> Diagnostic {
        .warning(
            "trust.trust-local",
            "applying " + keys.map { "`\($0)`" }.joined(separator: ", ")
                + " from the unapproved project config `\(file)` because of --trust-local",
            at: origin, help: "these settings widen your sandbox policy; approve the file to stop this warning")
    }
}
