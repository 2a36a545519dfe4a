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

/// Runs one golden case through the real pipeline — the command-line parser, the real source
/// loading (`SessionPlanLoading`: config files, trust store, lockfiles, layers) over the case's
/// files in memory, the one planner and the plan renderer — on a fixed fake host, and returns
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
        facts.minoExecutable = "/usr/local/bin/mino"
        var resolution = AddressResolution.resolved
        for (key, value) in golden.pairs("facts.txt") {
            switch key {
            case "rootless": facts.isRootless = value == "true"
            case "cgroup": facts.cgroupVersion = Int(value) ?? 2
            case "pids_limit_supported": facts.pidsLimitSupported = value == "true"
            case "memory_total_mb": facts.memoryTotalMB = Int64(value)
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
        let plan = try plan(golden, purpose: .plan)
        var files: [String: String] = [
            "plan.txt": PlanRenderer.text(plan),
            "plan.json": PlanRenderer.json(plan).rendered(pretty: true) + "\n",
        ]
        let artifacts = plan.artifacts
        if let seccomp = artifacts.seccomp, golden.name == "defaults" {
            // The whole profile once (it does not depend on the policy); every plan pins its hash.
            files["seccomp.json"] = seccomp.profile.rendered
        }
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
        if let ruleset = artifacts.nftables { files["fence.nft"] = ruleset.rendered }
        if let hook = artifacts.fenceHook { files["fence-hook.json"] = hook.rendered }
        if let resolver = artifacts.resolver { files["resolver.json"] = resolver.rendered }
        if let containerfile = plan.composition?.containerfile { files["Containerfile"] = containerfile.rendered }
        if let tag = plan.composition?.tag { files["image.tag"] = tag + "\n" }
        if let anchor = artifacts.pfAnchor { files["pf.anchor"] = anchor.rendered }
        if let reference = artifacts.pfConf { files["pf.conf"] = reference.rendered }
        if let sudoers = artifacts.sudoers { files["sudoers.d-" + sudoers.fileName] = sudoers.rendered }
        if let request = artifacts.helperRequest { files["helper-request.json"] = request.rendered }
        return files
    }

    /// The case's plan, made the way `mino plan` (or, for `.run`, `mino run`) makes it: the
    /// command line parsed, the real source loading over the case's files, the one planner.
    /// `runtimeDirectory` replaces the fake host's one when the plan is to be executed.
    static func plan(
        _ golden: GoldenCase, purpose: SessionPlanner.Purpose, resolve: Bool? = nil, runtimeDirectory: String? = nil
    ) throws(DiagnosticError) -> SessionPlan {
        var (facts, resolution) = facts(golden)
        if let runtimeDirectory { facts.runtimeDirectory = runtimeDirectory }
        let project = golden.pairs("facts.txt")["project"] ?? PolicyFixtures.projectDirectory
        let environment = ["HOME": facts.homeDirectory].merging(golden.pairs("env.txt")) { $1 }

        // The command line, exactly as `mino plan …` (or `mino run …`) would parse it.
        let parsed: ParsedCommand
        do {
            let outcome = try CommandLineParser(root: MinoCommand.spec, environment: environment)
                .parse([purpose == .run ? "run" : "plan"] + golden.lines("args.txt"))
            guard case .command(let command) = outcome else {
                preconditionFailure("args.txt of \(golden.name) is not a plan")
            }
            parsed = command
        } catch {
            throw DiagnosticError(error.diagnostic)
        }

        // The case's files where mino looks for them; then the real loading and the one planner.
        var context = CommandContext(
            arguments: [], environment: environment, currentDirectory: project, hostFacts: facts)
        context.files = files(golden, project: project, environment: environment)
        context.layerFiles = layerFiles(
            golden,
            search: LayerSearchPaths(projectDirectory: project, userLayers: PolicyFixtures.userLayersDirectory))
        let plan: SessionPlan
        do {
            plan = try SessionPlanLoading(parsed: parsed, context: context, purpose: purpose)
                .plan(resolve: resolve ?? (resolution == .resolved))
        } catch {
            throw DiagnosticError(error.diagnostics)
        }
        return plan
    }

    /// The case's files at the paths mino reads: `global.toml` as the user's config file,
    /// `project.toml` as the project's `.mino.toml`, `lockfiles/NAME` in the project root, and
    /// for an `approved` case the trust store approving that exact `.mino.toml`.
    static func files(_ golden: GoldenCase, project: String, environment: [String: String]) -> InMemoryFiles {
        var files = InMemoryFiles()
        let locations = ConfigLocations(environment: environment, currentDirectory: project)
        if let global = golden.input("global.toml") { files.files[locations.globalConfigPath] = Array(global.utf8) }
        let projectFile = project + "/" + ConfigLocations.projectFileName
        if let text = golden.input("project.toml") {
            files.files[projectFile] = Array(text.utf8)
            if golden.isApproved {
                let approvals: JSONValue = .object([
                    "approvals": .object([
                        projectFile: .object([
                            "sha256": .string(SHA256.hash(Array(text.utf8)).hex),
                            "approved_at": .string("2026-01-01T00:00:00Z"),
                        ])
                    ])
                ])
                files.files[TrustStore(state: StateDirectory(environment: environment)).path] =
                    Array(approvals.rendered(pretty: true).utf8)
            }
        }
        for name in CacheEcosystem.all.flatMap(\.lockfiles) {
            if let text = golden.input("lockfiles/" + name) { files.files[project + "/" + name] = Array(text.utf8) }
        }
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
