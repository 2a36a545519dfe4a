import Backends
import PolicyCompiler
import PolicyModel

/// `mino plan [run options] [-- command]`: compiles exactly what `mino run` would, without
/// touching podman, and prints the policy, the enforcement levels and every artifact with its
/// provenance (`--format json` for one stable, diffable document; `--resolve` to show concrete
/// addresses; `--explain KEY` for one setting's history).
enum PlanRunCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let request = try RunInvocation.request(parsed, context: context)
        let (flags, flagProblems) = RunInvocation.commandLineLayer(parsed)
        if !flagProblems.isEmpty {
            throw CommandFailure(exitCode: .usageError, diagnostics: flagProblems)
        }
        let loaded = try PolicyLoader(parsed: parsed, context: context).load(
            projectDirectory: request.projectDirectory.value, flags: flags)
        if let key = parsed.value(.explain) {
            context.standardOutput.write(
                try ExplainReport.render(key: key.value, config: loaded.config, keyOrigin: key.origin))
            return .success
        }
        let resolve = parsed.flag(.resolve)
        var facts = HostFactsProbe.probe(context: context)
        let cacheVolumes = try LockfileScanner.cacheVolumes(
            config: loaded.config, projectDirectory: request.projectDirectory.value)
        var output: PolicyCompilation.Output
        var artifacts: PlanArtifacts
        let locations = ConfigLocations(parsed: parsed, context: context)
        let search = LayerSearchPaths(
            projectDirectory: request.projectDirectory.value, userLayers: locations.userLayersDirectory)
        do {
            output = try PolicyCompilation.compile(
                loaded.config, request: request, facts: facts, cacheVolumes: cacheVolumes)
            // A base image already present gives the composed tag `mino run` would build; the
            // one podman query plan makes, and only for layers (absent or failing: provisional).
            let base = output.policy.image.value
            if !output.policy.layers.isEmpty, output.policy.runtime.value == .container,
                let runner = try? context.runner(),
                let id = try? PodmanClient(runner: runner, environment: context.environment).imageID(base), !id.isEmpty
            {
                facts.imageIDs[base] = id
            }
            let composed = try LayerPlanning.compose(
                output.policy, facts: facts, search: search, fileSystem: DiskLayerFileSystem())
            output.policy = composed.policy
            if resolve {
                for rule in output.policy.network.rules {
                    if case .name(let name) = rule.host, facts.resolvedAddresses[name] == nil {
                        facts.resolvedAddresses[name] = HostFactsProbe.resolve(name)
                    }
                }
            }
            artifacts = try PlanArtifacts.build(
                output.policy, facts: facts, resolution: resolve ? .resolved : .symbolic,
                terminal: TerminalMode(
                    stdinIsTerminal: context.standardInputIsTerminal, stdoutIsTerminal: context.standardOutputIsTerminal
                ), composition: composed.composition)
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: loaded.warnings + error.diagnostics)
        }
        let warnings = loaded.warnings + output.warnings
        let options = PlanRenderer.Options(resolved: resolve)
        if parsed.string(.format) == "json" {
            let document = PlanRenderer.json(
                policy: output.policy, artifacts: artifacts, warnings: warnings, options: options)
            context.standardOutput.write(document.rendered(pretty: true) + "\n")
        } else {
            context.standardOutput.write(
                PlanRenderer.text(policy: output.policy, artifacts: artifacts, warnings: warnings, options: options))
        }
        return .success
    }
}
