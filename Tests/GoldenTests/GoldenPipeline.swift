import Backends
import Foundation
import PolicyCompiler
import PolicyModel
import TestSupport

@testable import MinoKit

/// Runs one golden case through the real pipeline (command-line parser, decoders, trust gate,
/// compiler, backends, plan renderer) in the fixed fake environment, and returns every
/// produced file by name.
enum GoldenPipeline {
    static func produce(_ golden: GoldenCase) -> [String: String] {
        do {
            return try artifacts(golden)
        } catch {
            return ["diagnostics.txt": DiagnosticRenderer(format: .human).render(error.diagnostics)]
        }
    }

    private static func facts(_ golden: GoldenCase) -> (HostFacts, AddressResolution) {
        var facts = PolicyFixtures.facts
        var resolution = AddressResolution.resolved
        for (key, value) in golden.pairs("facts.txt") {
            switch key {
            case "rootless": facts.isRootless = value == "true"
            case "cgroup": facts.cgroupVersion = Int(value) ?? 2
            case "pids_limit_supported": facts.pidsLimitSupported = value == "true"
            case "ssh_auth_sock": facts.sshAuthSocket = value
            case "user": facts.userName = value
            case "uid": facts.userID = UInt32(value) ?? facts.userID
            case "platform": facts.platform = value == "macOS" ? .macOS : .linux
            case "home": facts.homeDirectory = value
            case "resolve": resolution = value == "false" ? .symbolic : .resolved
            case "base_image_id":
                facts.imageIDs[ImageResolution.baseImage] = value.isEmpty ? nil : value
            case "project": break  // read by the pipeline
            default: preconditionFailure("unknown fact \(key) in \(golden.name)/facts.txt")
            }
        }
        return (facts, resolution)
    }

    private static func artifacts(_ golden: GoldenCase) throws(DiagnosticError) -> [String: String] {
        let environment = golden.pairs("env.txt")
        let (facts, resolution) = facts(golden)
        let project = golden.pairs("facts.txt")["project"] ?? PolicyFixtures.projectDirectory

        // The command line, exactly as `mino plan …` would parse it.
        let parsed: ParsedCommand
        do {
            let outcome = try CommandLineParser(root: MinoCommand.spec, environment: environment)
                .parse(["plan"] + golden.lines("args.txt"))
            guard case .command(let command) = outcome else {
                preconditionFailure("args.txt of \(golden.name) is not a plan")
            }
            parsed = command
        } catch {
            throw DiagnosticError(error.diagnostic)
        }
        let (flags, flagProblems) = RunInvocation.commandLineLayer(parsed)
        let (environmentLayer, environmentProblems) = RunInvocation.environmentLayer(environment)
        if !(flagProblems + environmentProblems).isEmpty { throw DiagnosticError(flagProblems + environmentProblems) }
        let context = CommandContext(arguments: [], environment: environment, currentDirectory: project)
        let request: RunRequest
        do {
            request = try RunInvocation.request(parsed, context: context)
        } catch {
            throw DiagnosticError(error.diagnostics)
        }

        // The files.
        var warnings = [Diagnostic]()
        func decode(_ file: String, as kind: ConfigSourceKind, shownAs path: String) throws(DiagnosticError)
            -> ConfigLayer?
        {
            guard let text = golden.input(file) else { return nil }
            let (layer, diagnostics) = ConfigDecoder.decode(SourceFile(path: path, text: text), as: kind)
            guard let layer, !diagnostics.contains(where: { $0.severity == .error }) else {
                throw DiagnosticError(diagnostics)
            }
            warnings += diagnostics
            return layer
        }
        let global = try decode("global.toml", as: .global, shownAs: "config.toml") ?? ConfigLayer(kind: .global)
        var layers = [ConfigLayer.defaults, global]
        if let projectLayer = try decode("project.toml", as: .project, shownAs: ".mino.toml") {
            let userLayers = [ConfigLayer.defaults, global, environmentLayer, flags]
            let evaluation = TrustGate.evaluate(project: projectLayer, userLayers: userLayers)
            if golden.isApproved {
                layers.append(projectLayer)
            } else {
                let decision: PolicyLoader.TrustDecision =
                    parsed.flagSetting(.trustLocal).flatMap { $0.isOn ? .trustLocal($0.origin) : nil } ?? .notApproved
                let (applied, notes) = PolicyLoader.applyTrust(
                    projectLayer, evaluation: evaluation, file: ".mino.toml", decision: decision)
                layers.append(applied)
                warnings += notes
            }
        }
        layers += [environmentLayer, flags]

        // Compile and render.
        let effective = EffectiveConfig(layers: layers)
        var cacheVolumes = [CacheVolume]()
        if case .boolean(true)? = effective.value("cache.enabled") {
            // `lockfiles/NAME` stands for the file NAME in the project root.
            cacheVolumes = LockfileDetection.volumes(
                for: LockfileDetection.detect { (name: String) -> [UInt8]? in
                    golden.input("lockfiles/" + name).map { Array($0.utf8) }
                })
        }
        let output = try PolicyCompilation.compile(
            effective, request: request, facts: facts, cacheVolumes: cacheVolumes)
        let search = LayerSearchPaths(projectDirectory: project, userLayers: PolicyFixtures.userLayersDirectory)
        let (policy, composition) = try LayerPlanning.compose(
            output.policy, facts: facts, search: search, fileSystem: layerFiles(golden, search: search))
        let plan = try PlanArtifacts.build(
            policy, facts: facts, resolution: resolution, terminal: .none, composition: composition)
        let allWarnings = warnings + output.warnings
        let options = PlanRenderer.Options(resolved: resolution == .resolved)
        var files: [String: String] = [
            "plan.txt": PlanRenderer.text(policy: policy, artifacts: plan, warnings: allWarnings, options: options),
            "plan.json": PlanRenderer.json(policy: policy, artifacts: plan, warnings: allWarnings, options: options)
                .rendered(pretty: true) + "\n",
        ]
        if let podman = plan.podman {
            files["podman.argv"] =
                (["podman"] + podman.argv).map(ShellQuoting.displayQuote).joined(separator: "\n") + "\n"
            if !policy.environment.isEmpty {
                files["podman.env"] = policy.environment.map { "\($0.name)=\($0.oneLineDisplayValue)\n" }.joined()
            }
            if let wrapper = podman.wrapper { files["wrapper.sh"] = wrapper.rendered }
        }
        if let netfilter = plan.netfilter {
            files["netfilter-v4.rules"] = netfilter.ipv4
            files["netfilter-v6.rules"] = netfilter.ipv6
        }
        if let exec = plan.execWrapper { files["exec-wrapper.sh"] = exec.rendered }
        if let containerfile = composition?.containerfile { files["Containerfile"] = containerfile.rendered }
        if let tag = composition?.tag { files["image.tag"] = tag + "\n" }
        if let anchor = plan.pfAnchor { files["pf.anchor"] = anchor.rendered }
        if let reference = plan.pfConf { files["pf.conf"] = reference.rendered }
        if let sudoers = plan.sudoers { files["sudoers.d-" + sudoers.fileName] = sudoers.rendered }
        if let request = plan.helperRequest { files["helper-request.json"] = request.rendered }
        return files
    }

    /// The case's `layers/project/<name>/…` and `layers/user/<name>/…` files, at the fake
    /// project's `.mino/layers/<name>/…` and the fake user's layer directory.
    static func layerFiles(_ golden: GoldenCase, search: LayerSearchPaths) -> InMemoryLayerFileSystem {
        var fileSystem = InMemoryLayerFileSystem()
        let root = golden.directory.appendingPathComponent("layers")
        for (scope, base) in [("project", search.projectLayers), ("user", search.userLayers ?? "")] {
            let directory = root.appendingPathComponent(scope)
            guard let walker = FileManager.default.enumerator(atPath: directory.path) else { continue }
            while let relative = walker.nextObject() as? String {
                let url = directory.appendingPathComponent(relative)
                if let data = FileManager.default.contents(atPath: url.path), !url.hasDirectoryPath {
                    fileSystem.nodes[base + "/" + relative] = .file([UInt8](data))
                }
            }
        }
        return fileSystem
    }
}
