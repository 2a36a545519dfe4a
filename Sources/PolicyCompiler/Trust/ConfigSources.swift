import Diagnostics
import PolicyModel
import TOML

/// Merges the configuration sources of a run in the documented precedence (built-in defaults <
/// global config < project `.mino.toml` < `MINO_LAYERS` < flags), with the project file passed
/// through the trust gate. Pure: the caller reads the files and decides about approval; `mino
/// run`, `mino plan` and the golden tests all assemble their configuration here.
public enum ConfigSources {
    /// What is done with an unapproved project file whose settings widen the policy.
    public enum TrustDecision: Sendable {
        /// Approved (trust store, or a yes at the prompt): the whole file applies.
        case approved
        /// `--trust-local` / `MINO_TRUST_LOCAL`: everything applies, with a warning naming the keys.
        case trustLocal(Origin)
        /// Only the narrowing settings apply; each held-back key gets a warning at its span.
        case notApproved
    }

    /// The merged configuration and the warnings found while assembling it.
    public struct Assembled: Sendable {
        /// The configuration the compiler reads.
        public var config: EffectiveConfig
        /// Warnings (decoding, trust), in the order found.
        public var warnings: [Diagnostic]
    }

    /// Assembles the sources. `global` is the decoded global layer; `project` the project
    /// file's source, decoded here; `decide` is asked only when the project file widens the
    /// policy, with the evaluation and the file.
    ///
    /// - Throws: `DiagnosticError` with the project file's decoding errors.
    public static func assemble(
        global: ConfigLayer, project: SourceFile?, environment: ConfigLayer, flags: ConfigLayer,
        warnings: [Diagnostic] = [], decide: (TrustGate.Evaluation, SourceFile) -> TrustDecision
    ) throws(DiagnosticError) -> Assembled {
        var warnings = warnings
        var layers = [ConfigLayer.defaults, global]
        if let project {
            let (decoded, diagnostics) = ConfigDecoder.decode(project, as: .project)
            guard let decoded, !diagnostics.contains(where: { $0.severity == .error }) else {
                throw DiagnosticError(diagnostics)
            }
            warnings += diagnostics
            let evaluation = TrustGate.evaluate(project: decoded, userLayers: [.defaults, global, environment, flags])
            let decision = evaluation.widening.isEmpty ? .approved : decide(evaluation, project)
            let (applied, notes) = apply(decoded, evaluation: evaluation, file: project.path, decision: decision)
            layers.append(applied)
            warnings += notes
        }
        layers += [environment, flags]
        return Assembled(config: EffectiveConfig(layers: layers), warnings: warnings)
    }

    /// The project layer to use for a decision, and the warnings that say what happened.
    public static func apply(
        _ layer: ConfigLayer, evaluation: TrustGate.Evaluation, file: String, decision: TrustDecision
    ) -> (ConfigLayer, [Diagnostic]) {
        // User-only keys never apply from a project file, whatever the decision.
        var layer = layer
        layer.settings = layer.settings.filter { $0.value.key.trust != .userOnly }
        guard !evaluation.widening.isEmpty else { return (layer, []) }
        switch decision {
        case .approved:
            return (layer, [])
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
