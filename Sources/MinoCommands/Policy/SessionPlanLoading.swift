import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// What `mino run` and `mino plan` share up to the plan: every configuration source (the
/// project file through the trust gate), the first-run questions (run only), the host probe,
/// and one call to `SessionPlanner`. Both commands get their plan here, so they cannot drift.
struct SessionPlanLoading {
    let parsed: ParsedCommand
    let context: CommandContext
    let purpose: SessionPlanner.Purpose

    /// The merged configuration before planning (what `--explain` reports).
    func configuration() throws(CommandFailure) -> (
        config: EffectiveConfig, warnings: [Diagnostic], request: RunRequest
    ) {
        let request = try RunInvocation.request(parsed, context: context)
        let (flags, flagProblems) = RunInvocation.commandLineLayer(parsed)
        if !flagProblems.isEmpty {
            throw CommandFailure(exitCode: .usageError, diagnostics: flagProblems)
        }
        let loaded = try PolicyLoader(parsed: parsed, context: context, mayAskApproval: purpose == .run).load(
            projectDirectory: request.projectDirectory.value, flags: flags)
        return (loaded.config, loaded.warnings, request)
    }

    /// The plan. `resolve`: look up the allowed names now (`mino run` always does).
    func plan(resolve: Bool, progress: ProgressLine? = nil) throws(CommandFailure) -> SessionPlan {
        var (config, warnings, request) = try configuration()
        let locations = ConfigLocations(parsed: parsed, context: context)
        if purpose == .run {
            config = try askFirstRunQuestions(config, locations: locations, project: request.projectDirectory.value)
        }
        var facts = HostFactsProbe.probe(context: context)
        try probeBaseImage(config, facts: &facts, progress: progress)
        // A fixed host (tests) answers DNS from its facts alone. Only the wrapper applier needs
        // addresses now: with the fence hook, the session's resolver pins what it answers.
        if resolve || purpose == .run, context.hostFacts == nil, let network = try? NetworkResolution.resolve(config),
            facts.fenceTools == nil || config.value("container.network_enforcement") == .string("wrapper")
        {
            for rule in network.rules {
                if case .name(let name) = rule.host, facts.resolvedAddresses[name] == nil {
                    facts.resolvedAddresses[name] = HostFactsProbe.resolve(name)
                }
            }
        }
        let cacheVolumes = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try LockfileScanner.cacheVolumes(
                config: config, projectDirectory: request.projectDirectory.value, files: context.files)
        }
        let input = SessionPlanner.Input(
            config: config, warnings: warnings, request: request, facts: facts, cacheVolumes: cacheVolumes,
            layerSearch: LayerSearchPaths(
                projectDirectory: request.projectDirectory.value, userLayers: locations.userLayersDirectory),
            terminal: TerminalMode(
                stdinIsTerminal: context.standardInputIsTerminal, stdoutIsTerminal: context.standardOutputIsTerminal),
            resolution: resolve || purpose == .run ? .resolved : .symbolic, purpose: purpose)
        do {
            if let layerFiles = context.layerFiles { return try Self.plan(input, layerFiles) }
            return try SessionPlanner.plan(input, layerFiles: DiskLayerFileSystem())
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
    }

    /// The network and layer questions of a first run in a terminal; a saved answer ends them.
    private func askFirstRunQuestions(_ config: EffectiveConfig, locations: ConfigLocations, project: String)
        throws(CommandFailure) -> EffectiveConfig
    {
        var config = config
        if NetworkPrompt.shouldAsk(config, context: context),
            let answer = try NetworkPrompt(context: context, locations: locations, projectDirectory: project).ask()
        {
            config = EffectiveConfig(layers: config.layers + [answer])
        }
        if LayerPrompt.shouldAsk(config, context: context),
            let answer = try LayerPrompt(context: context, locations: locations, projectDirectory: project).ask()
        {
            config = EffectiveConfig(layers: config.layers + [answer])
        }
        return config
    }

    /// The base image's ID, which the composed image's tag covers: asked of podman (one
    /// `podman image inspect`, the same query for plan and run) only when the configuration names
    /// layers. `mino run` pulls a missing base first (the tag cannot be known without it);
    /// `mino plan` shows a provisional tag instead.
    private func probeBaseImage(_ config: EffectiveConfig, facts: inout HostFacts, progress: ProgressLine?)
        throws(CommandFailure)
    {
        let (image, layers) = ImageResolution.resolve(config)
        guard !layers.isEmpty, config.value("general.runtime") != .string("native"),
            let runner = try? context.runner()
        else { return }
        let podman = PodmanClient(runner: runner, environment: context.environment)
        if let id = try? podman.imageID(image.value), !id.isEmpty {
            facts.imageIDs[image.value] = id
        } else if purpose == .run {
            let pull = { () throws(CommandFailure) in
                try CommandFailure.mapping { () throws(ExecutorFailure) in try podman.pull(image.value) }
            }
            if let progress { try progress.step("Pulling image \(image.value)", pull) } else { try pull() }
            facts.imageIDs[image.value] = try CommandFailure.mapping { () throws(ExecutorFailure) in
                try podman.imageID(image.value)
            }
        }
    }

    /// Opens the existential so the planner gets a concrete layer file system.
    private static func plan(_ input: SessionPlanner.Input, _ files: some LayerFileSystem) throws(DiagnosticError)
        -> SessionPlan
    {
        try SessionPlanner.plan(input, layerFiles: files)
    }
}
