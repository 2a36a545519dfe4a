import Backends
import Foundation
import PolicyCompiler
import PolicyModel

/// What a run needs from the host besides the compiled policy, gathered before the session
/// record and its container exist: the composed image (built when missing), the cache and home
/// volumes, and the credential values. A failure here leaves no session behind; volumes and
/// images it made are reused by the next run.
struct SessionPreparation {
    let executor: Executor
    let progress: ProgressLine
    let trustLocal: Sourced<Bool>?

    // MARK: - SSH agent

    /// Checks the agent before the policy is compiled: a missing or dead agent is a warning and
    /// its socket is not forwarded.
    static func checkSSHAgent(requested: Bool, facts: inout HostFacts, warnings: inout [Diagnostic]) {
        guard requested, let socket = facts.sshAuthSocket else { return }
        if let problem = SSHAgentProbe.problem(with: socket) {
            warnings.append(problem)
            facts.sshAuthSocket = nil
        }
    }

    // MARK: - Image

    /// The policy running the composed image of its layers (built when its tag is missing), or
    /// unchanged when it names no layers. Project layers must be approved first.
    func composeImage(
        _ policy: SandboxPolicy, facts: inout HostFacts, search: LayerSearchPaths, warnings: inout [Diagnostic]
    ) throws(CommandFailure) -> SandboxPolicy {
        guard policy.runtime.value == .container, !policy.layers.isEmpty else { return policy }
        let layers: [ResolvedLayer]
        do {
            layers = try LayerResolution.resolve(policy.layers, search: search, fileSystem: DiskLayerFileSystem())
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        for layer in layers where layer.needsApproval {
            warnings += try approve(layer)
        }
        let base = policy.image.value
        try Self.ensureImage(base, podman: executor.podman, progress: progress)
        facts.imageIDs[base] = try executor.podman.imageID(base)
        let composition: LayerComposition
        do {
            composition = try ContainerfileBackend.compose(
                baseImage: policy.image, baseImageID: facts.imageIDs[base], layers: layers)
        } catch {
            throw CommandFailure(exitCode: .dataError, diagnostics: error.diagnostics)
        }
        if composition.needsBuild, let tag = composition.tag, try !executor.podman.imageExists(tag) {
            try build(composition, tag: tag)
        }
        return composition.applied(to: policy)
    }

    /// Pulls an image that is not present.
    static func ensureImage(_ image: String, podman: PodmanClient, progress: ProgressLine) throws(CommandFailure) {
        guard try !podman.imageExists(image) else { return }
        try progress.step("Pulling image \(image)") { () throws(CommandFailure) in try podman.pull(image) }
    }

    /// Writes the build context into a fresh private directory, builds, removes the directory.
    private func build(_ composition: LayerComposition, tag: String) throws(CommandFailure) {
        guard let containerfile = composition.containerfile else { return }
        let directory: String
        do {
            directory = try BuildContext.write(containerfile: containerfile.rendered, files: composition.contextFiles)
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.buildContextUnwritable(error.localizedDescription)])
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = composition.layers.map(\.name).joined(separator: ", ")
        let result: ProcessResult
        do {
            result = try progress.step("Building image for layers \(names)") { () throws(ProcessError) in
                try executor.runner.run(
                    ProcessSpec(
                        "podman", ["build", "--tag", tag, "--file", directory + "/Containerfile", directory],
                        environment: executor.context.environment), timeout: .seconds(3600))
            }
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.status == .exited(0) else {
            let output = String(decoding: result.output + result.error, as: UTF8.self)
            throw CommandFailure(exitCode: .failure, diagnostics: [.imageBuildFailed(names, output: output)])
        }
    }

    /// A project layer runs as root in the image build: it needs the same approval as a widening
    /// `.mino.toml` (path and content hash in the trust store), `--trust-local`, or a yes at the
    /// prompt. Refused otherwise.
    private func approve(_ layer: ResolvedLayer) throws(CommandFailure) -> [Diagnostic] {
        let context = executor.context
        let path = ConfigLocations.canonical(layer.directory)
        let store = TrustStore(state: executor.state)
        let (_, storeWarning) = store.load()
        let warnings = storeWarning.map { [$0] } ?? []
        if store.isApproved(path, sha256: layer.contentHash) { return warnings }
        if let trustLocal, trustLocal.value {
            return warnings + [.projectLayerTrusted(layer.name, directory: path, at: trustLocal.origin)]
        }
        if context.isInteractive {
            let script = layer.installScript.map { String(decoding: $0, as: UTF8.self) } ?? "(no install.sh)\n"
            context.standardError.write(
                "\nThe project layer `\(layer.name)` (\(path)) runs this as root while the image is built:\n"
                    + script.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).map { "  | " + $0 }
                    .joined(separator: "\n") + "\n")
            let question =
                "Approve this exact layer (sha256 \(layer.contentHash.prefix(12))…)? "
                + "It stays approved until a file in it changes."
            if Menu(context: context).confirm(question) {
                try store.record(path, sha256: layer.contentHash)
                return warnings
            }
        }
        throw CommandFailure(
            exitCode: .failure,
            diagnostics: warnings + [.projectLayerNotApproved(layer.name, directory: path, at: layer.requested.origin)])
    }

    // MARK: - Volumes

    /// Creates the home volume with mino's labels (podman would create it unlabelled, and
    /// `cache gc` could not tell it is mino's).
    func prepareHome(_ policy: SandboxPolicy, now: Date) throws(CommandFailure) {
        guard let name = HomeVolume.volume(for: policy) else { return }
        let inventory = Self.cachePreparation(executor).inventory
        guard try inventory.inspect(name) == nil else { return }
        try inventory.create(
            VolumeBackend.createHome(
                name, project: policy.project.hostPath.value, createdAt: SessionRecord.timestamp(now)))
    }

    /// Creates or reuses (or, fresh, empties) the cache volumes; returns those to finalise.
    func prepareCaches(_ policy: SandboxPolicy, now: Date) throws(CommandFailure) -> [String] {
        let volumes = policy.caches.enabled.value ? policy.caches.volumes : []
        guard policy.runtime.value == .container, !volumes.isEmpty else { return [] }
        let preparation = Self.cachePreparation(executor)
        return try progress.step("Preparing caches") { () throws(CommandFailure) in
            try preparation.prepare(volumes, fresh: policy.caches.fresh.value, now: now)
        }
    }

    /// Marks caches complete after a session that used them exited 0.
    static func finaliseCaches(_ names: [String], executor: Executor) {
        guard !names.isEmpty else { return }
        cachePreparation(executor).finalise(names, now: Date())
    }

    /// mino's volumes as this user sees them (rootless podman when mino is not root).
    private static func cachePreparation(_ executor: Executor) -> CachePreparation {
        CachePreparation(
            inventory: VolumeInventory(podman: executor.podman, rootless: geteuid() != 0),
            records: CacheRecordStore(state: executor.state))
    }

    // MARK: - Credentials

    /// Fetches the credentials the policy asks for. A failing provider is a warning (the session
    /// starts without it), or with `--strict-credentials` an error that stops the run.
    func gatherCredentials(_ policy: SandboxPolicy, sessionName: String, warnings: inout [Diagnostic])
        throws(CommandFailure) -> CredentialBroker.Outcome
    {
        let request = policy.credentials
        guard !CredentialBroker.providers(for: request).isEmpty else { return CredentialBroker.Outcome() }
        let broker = CredentialBroker(
            context: CredentialContext(
                runner: executor.runner, environment: executor.context.environment, now: Date(),
                timeout: Self.credentialTimeout(executor.context.environment), sessionName: sessionName),
            cache: CredentialCache(state: executor.state))
        let outcome = progress.step("Fetching credentials") { broker.gather(request) }
        warnings += outcome.warnings
        let strict = request.strict.value
        let failures = outcome.failures.map { Diagnostic.credentialFailed($0, strict: strict) }
        if strict, !outcome.failures.isEmpty {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: warnings + failures + [.credentialsStrict(outcome.failures.map(\.provider))])
        }
        warnings += failures
        return outcome
    }

    /// How long one provider CLI may take: 60 s, or `MINO_CREDENTIAL_TIMEOUT_SECONDS` (1 to
    /// 600) for CLIs that are slower (a login prompt in a browser) or for tests.
    static func credentialTimeout(_ environment: [String: String]) -> Duration {
        guard let text = environment["MINO_CREDENTIAL_TIMEOUT_SECONDS"], let seconds = Int(text),
            (1...600).contains(seconds)
        else { return .seconds(60) }
        return .seconds(seconds)
    }
}

/// A private temporary directory holding a Containerfile and the files it copies.
enum BuildContext {
    static func write(containerfile: String, files: [BuildContextFile]) throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        let directory = base + "/mino-build-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            try Data(containerfile.utf8).write(to: URL(fileURLWithPath: directory + "/Containerfile"))
            for file in files {
                try Data(file.bytes).write(to: URL(fileURLWithPath: directory + "/" + file.name))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return directory
    }
}

extension Diagnostic {
    static func projectLayerNotApproved(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .error(
            "layer.not-approved",
            "the project layer `\(name)` (\(directory)) is repository code that runs as root in an image build, and it is not approved",
            at: origin,
            help: "review it, then run mino in a terminal to approve it, or pass --trust-local for this run")
    }

    static func projectLayerTrusted(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .warning(
            "trust.trust-local-layer",
            "building the unapproved project layer `\(name)` (\(directory)) because of --trust-local", at: origin,
            help: "its install.sh runs as root in the image build; approve it to stop this warning")
    }

    static func imageBuildFailed(_ layers: String, output: String) -> Diagnostic {
        let tail = output.split(separator: "\n").suffix(15).joined(separator: "\n")
        return .error(
            "image.build-failed", "building the image for layers \(layers) failed:\n" + tail,
            help: "fix the layer's install.sh (run `mino policy check` on its layer.toml), then run again")
    }

    static func buildContextUnwritable(_ reason: String) -> Diagnostic {
        .error(
            "image.build-context", "cannot write the image build context: \(reason)",
            help: "check that the temporary directory (TMPDIR) is writable")
    }
}
