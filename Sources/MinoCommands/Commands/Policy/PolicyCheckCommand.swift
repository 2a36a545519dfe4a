import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino policy check [FILE…]`: parses and validates config and policy files and reports every
/// diagnostic with file:line:col. Exit 0 when all files are valid, 65 when any is invalid, 66
/// when a file is missing. Without arguments it checks the global config and the project's
/// `.mino.toml`, whichever exist. A file named `layer.toml` is checked as a layer manifest.
enum PolicyCheckCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Check policy files for errors",
        discussion: """
            Reports every error and warning with its file, line and column. Exits 65 when a file is invalid \
            and 66 when one is missing.
            """,
        arguments: [
            ArgumentSpec(
                .files, help: "Files to check (default: the global config and the project's .mino.toml)",
                isOptional: true, isRepeating: true)
        ])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let locations = ConfigLocations(parsed: parsed, context: context)
        let presentation = DiagnosticPresentation(parsed: parsed, context: context)
        var targets = [(path: String, kind: ConfigSourceKind, origin: Origin?)]()
        for argument in parsed.arguments(.files) {
            let path = ConfigLocations.absolute(
                ConfigLocations.expandingTilde(argument.value, home: locations.home), from: context.currentDirectory)
            // The user's own config is checked as such: it may set what a project file may not
            // (the `[network]` table).
            let isGlobal = ConfigLocations.canonical(path) == ConfigLocations.canonical(locations.globalConfigPath)
            targets.append((path, isGlobal ? .global : .project, argument.origin))
        }
        if targets.isEmpty, !parsed.flag(.noLocal) {
            // The working directory is the project being checked: refused where `plan` and `run`
            // refuse it (`--no-local` or naming the files checks them from anywhere).
            let project = ConfigLocations.canonical(context.currentDirectory)
            if let refusal = ProjectRoot.check(
                project, protected: RunInvocation.protectedDirectories(context), at: nil)
            {
                throw CommandFailure(exitCode: .usageError, diagnostics: [refusal])
            }
        }
        if targets.isEmpty {
            if ConfigFileReader.isPresent(locations.globalConfigPath) || locations.globalConfigOrigin != nil {
                targets.append((locations.globalConfigPath, .global, locations.globalConfigOrigin))
            }
            if !parsed.flag(.noLocal), let project = locations.discoverProjectConfig(from: context.currentDirectory) {
                targets.append((project, .project, nil))
            }
            if targets.isEmpty {
                throw CommandFailure(
                    exitCode: .noInput,
                    diagnostics: [.policyNoFiles(global: locations.display(locations.globalConfigPath))])
            }
        }
        var all = [Diagnostic]()
        var missing = false
        var checked = [String]()
        for target in targets {
            let display = locations.display(target.path)
            switch ConfigFileReader.read(target.path, displayPath: display, origin: target.origin) {
            case .missing:
                missing = true
                all.append(.configFileNotFound(display, at: target.origin, isGlobalConfig: target.kind == .global))
            case .failed(let diagnostic):
                all.append(diagnostic)
            case .file(let source) where target.path.hasSuffix("/" + ResolvedLayer.manifestFileName):
                let diagnostics = checkedLayerManifest(source)
                all += diagnostics
                if !diagnostics.contains(where: { $0.severity == .error }) { checked.append(display) }
            case .file(let source):
                var (layer, diagnostics) = ConfigDecoder.decode(source, as: target.kind)
                if let layer, !diagnostics.contains(where: { $0.severity == .error }) {
                    diagnostics += compiled(layer, file: target.path, context: context)
                }
                all += diagnostics
                if !diagnostics.contains(where: { $0.severity == .error }) { checked.append(display) }
            }
        }
        let errors = all.filter { $0.severity == .error }.count
        let warnings = all.filter { $0.severity == .warning }.count
        if presentation.renderer.format == .json {
            context.standardOutput.write(presentation.renderer.render(all))
        } else {
            if !all.isEmpty { context.standardError.write(presentation.renderer.render(all)) }
            for path in checked {
                context.standardOutput.write("\(path): ok\n")
            }
            if errors + warnings > 0 {
                context.standardError.write(
                    "\(count(errors, "error")), \(count(warnings, "warning")) in \(count(targets.count, "file"))\n")
            }
        }
        if missing { return .noInput }
        return errors > 0 ? .dataError : .success
    }

    /// Compiles the file on its own (over the built-in defaults, with its directory as the
    /// project) and runs every backend with symbolic addresses, keeping the problems that point
    /// into the file: network conflicts, bad volumes, names the backends refuse.
    private static func compiled(_ layer: ConfigLayer, file: String, context: CommandContext) -> [Diagnostic] {
        let directory = ConfigLocations.parent(of: file)
        let facts = HostFactsProbe.probe(context: context)
        var found = [Diagnostic]()
        let input = SessionPlanner.Input(
            config: EffectiveConfig(layers: [.defaults, layer]),
            request: RunRequest(projectDirectory: Sourced(directory, .builtin)), facts: facts,
            layerSearch: LayerSearchPaths(projectDirectory: directory, userLayers: nil), terminal: .none,
            resolution: .symbolic, purpose: .plan)
        do {
            found += try SessionPlanner.plan(input, layerFiles: DiskLayerFileSystem()).warnings
        } catch {
            found += error.diagnostics
        }
        return found.filter { $0.origin?.fileSpan?.file == layer.source }
    }

    /// A layer's `layer.toml`: decoded, then composed on its own so the values the
    /// Containerfile would refuse (control characters) are reported too.
    private static func checkedLayerManifest(_ source: SourceFile) -> [Diagnostic] {
        let (decoded, diagnostics) = LayerManifestDecoder.decode(source)
        guard let manifest = decoded else { return diagnostics }
        let layer = ResolvedLayer(
            requested: manifest.name, scope: .user, directory: ConfigLocations.parent(of: source.path),
            manifest: manifest, files: [LayerFile(path: ResolvedLayer.manifestFileName, bytes: source.bytes)])
        do {
            _ = try ContainerfileBackend.compose(
                baseImage: Sourced(ImageResolution.baseImage, .builtin), baseImageID: nil, layers: [layer])
            return diagnostics
        } catch {
            return diagnostics + error.diagnostics
        }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
