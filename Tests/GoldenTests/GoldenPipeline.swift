import Backends
import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML
import TestSupport

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// Runs one golden case through the real pipeline (command-line parser, `ConfigSources` with the
/// trust gate, `SessionPlanner`, the plan renderer) in the fixed fake environment, and returns
/// every produced file by name. The case supplies files and facts; no pipeline step lives here.
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

        // The files, assembled and trust-gated exactly as `mino run` assembles them.
        func source(_ file: String, shownAs path: String) -> SourceFile? {
            golden.input(file).map { SourceFile(path: path, text: $0) }
        }
        var global = ConfigLayer(kind: .global)
        var warnings = [Diagnostic]()
        if let file = source("global.toml", shownAs: "config.toml") {
            let (layer, diagnostics) = ConfigDecoder.decode(file, as: .global)
            guard let layer, !diagnostics.contains(where: { $0.severity == .error }) else {
                throw DiagnosticError(diagnostics)
            }
            global = layer
            warnings = diagnostics
        }
        let assembled = try ConfigSources.assemble(
            global: global, project: source("project.toml", shownAs: ".mino.toml"), environment: environmentLayer,
            flags: flags, warnings: warnings
        ) { _, _ in
            if golden.isApproved { return .approved }
            return parsed.flagSetting(.trustLocal).flatMap { $0.isOn ? .trustLocal($0.origin) : nil } ?? .notApproved
        }

        // The caches of the case's lockfiles (`lockfiles/NAME` stands for the file NAME in the
        // project root), then the one planner.
        var cacheVolumes = [CacheVolume]()
        if case .boolean(true)? = assembled.config.value("cache.enabled") {
            cacheVolumes = LockfileDetection.volumes(
                for: LockfileDetection.detect { (name: String) -> [UInt8]? in
                    golden.input("lockfiles/" + name).map { Array($0.utf8) }
                })
        }
        let search = LayerSearchPaths(projectDirectory: project, userLayers: PolicyFixtures.userLayersDirectory)
        let plan = try SessionPlanner.plan(
            SessionPlanner.Input(
                config: assembled.config, warnings: assembled.warnings, request: request, facts: facts,
                cacheVolumes: cacheVolumes, layerSearch: search, terminal: .none, resolution: resolution,
                purpose: .plan),
            layerFiles: layerFiles(golden, search: search))
        var files: [String: String] = [
            "plan.txt": PlanRenderer.text(plan),
            "plan.json": PlanRenderer.json(plan).rendered(pretty: true) + "\n",
        ]
        let artifacts = plan.artifacts
        if let podman = artifacts.podman {
            files["podman.argv"] =
                (["podman"] + podman.argv).map(ShellQuoting.displayQuote).joined(separator: "\n") + "\n"
            if !plan.policy.environment.isEmpty {
                files["podman.env"] = plan.policy.environment.map { "\($0.name)=\($0.oneLineDisplayValue)\n" }.joined()
            }
            if let wrapper = podman.wrapper { files["wrapper.sh"] = wrapper.rendered }
        }
        if let netfilter = artifacts.netfilter {
            files["netfilter-v4.rules"] = netfilter.ipv4
            files["netfilter-v6.rules"] = netfilter.ipv6
        }
        if let exec = artifacts.execWrapper { files["exec-wrapper.sh"] = exec.rendered }
        if let containerfile = plan.composition?.containerfile { files["Containerfile"] = containerfile.rendered }
        if let tag = plan.composition?.tag { files["image.tag"] = tag + "\n" }
        if let anchor = artifacts.pfAnchor { files["pf.anchor"] = anchor.rendered }
        if let reference = artifacts.pfConf { files["pf.conf"] = reference.rendered }
        if let sudoers = artifacts.sudoers { files["sudoers.d-" + sudoers.fileName] = sudoers.rendered }
        if let request = artifacts.helperRequest { files["helper-request.json"] = request.rendered }
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
