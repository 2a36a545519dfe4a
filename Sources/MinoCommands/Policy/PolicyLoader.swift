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
    /// Whether an unapproved project file may be approved at a prompt (and recorded in
    /// `trust.json`): only for `mino run`; `plan` and `policy explain` never prompt or write.
    let mayAskApproval: Bool

    init(parsed: ParsedCommand, context: CommandContext, mayAskApproval: Bool = false) {
        self.parsed = parsed
        self.context = context
        self.locations = ConfigLocations(parsed: parsed, context: context)
        self.mayAskApproval = mayAskApproval
    }

    /// Loads the layers for a run whose project directory is `projectDirectory`; `flags` is the
    /// command-line layer of commands that take run options (`run`, `plan`).
    func load(projectDirectory: String, flags: ConfigLayer = ConfigLayer(kind: .commandLine)) throws(CommandFailure)
        -> Loaded
    {
        let (global, globalWarnings) = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try ConfigFileReader.loadGlobal(locations, files: context.files)
        }
        let (environmentLayer, environmentProblems) = RunInvocation.environmentLayer(context.environment)
        if !environmentProblems.isEmpty {
            throw CommandFailure(exitCode: .dataError, diagnostics: environmentProblems)
        }
        var project: SourceFile?
        var projectFile: String?
        if !parsed.flag(.noLocal),
            let path = locations.discoverProjectConfig(from: projectDirectory, files: context.files)
        {
            projectFile = path
            switch ConfigFileReader.read(path, displayPath: locations.display(path), files: context.files) {
            case .missing: break
            case .failed(let diagnostic): throw CommandFailure(exitCode: .failure, diagnostics: [diagnostic])
            case .file(let source): project = source
            }
        }
        var trustWarnings = [Diagnostic]()
        var approvalFailure: CommandFailure?
        let assembled: ConfigSources.Assembled
        do {
            assembled = try ConfigSources.assemble(
                global: global, project: project, environment: environmentLayer, flags: flags,
                warnings: globalWarnings
            ) { evaluation, source in
                do {
                    let (decision, warnings) = try decide(evaluation, source: source, path: projectFile ?? source.path)
                    trustWarnings = warnings
                    return decision
                } catch let failure as CommandFailure {
                    approvalFailure = failure
                    return .notApproved
                } catch {
                    return .notApproved
                }
            }
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        if let approvalFailure { throw approvalFailure }
        return Loaded(
            config: assembled.config, warnings: assembled.warnings + trustWarnings, projectFile: projectFile)
    }

    /// The trust decision for a widening project file: approved in the trust store,
    /// `--trust-local`, or a yes at the prompt (`mino run` only, recorded in the store).
    private func decide(_ evaluation: TrustGate.Evaluation, source: SourceFile, path: String) throws(CommandFailure)
        -> (ConfigSources.TrustDecision, [Diagnostic])
    {
        let canonicalPath = ConfigLocations.canonical(path)
        let hash = SHA256.hash(source.bytes).hex
        let store = TrustStore(state: StateDirectory(environment: context.environment), files: context.files)
        let (_, storeWarning) = store.load()
        let warnings = storeWarning.map { [$0] } ?? []
        if store.isApproved(canonicalPath, sha256: hash) { return (.approved, warnings) }
        if let trust = parsed.flagSetting(.trustLocal), trust.isOn { return (.trustLocal(trust.origin), warnings) }
        if mayAskApproval, context.isInteractive, askApproval(evaluation, file: source.path, hash: hash) {
            try CommandFailure.mapping { () throws(ExecutorFailure) in try store.record(canonicalPath, sha256: hash) }
            return (.approved, warnings)
        }
        return (.notApproved, warnings)
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
