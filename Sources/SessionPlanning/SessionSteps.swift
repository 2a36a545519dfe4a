import Backends
import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// The ordered steps of a container session, from a plan's policy, artifacts and facts.
enum SessionSteps {
    /// The steps of `plan` (whose `steps` are still empty). `direct`: attached with one
    /// `podman run`; `fenceFromHost`: the allowlist is loaded into the container's namespace by
    /// the fence hook and the session has mino's resolver.
    static func container(_ plan: SessionPlan, direct: Bool, fenceFromHost: Bool) throws(DiagnosticError)
        -> [SessionStep]
    {
        let policy = plan.policy
        let podman = plan.artifacts.podman
        let container = plan.containerName
        var steps = [SessionStep]()
        for layer in plan.composition?.layers ?? [] where layer.needsApproval {
            steps.append(
                SessionStep(
                    .approveLayer, subject: layer.name,
                    when: "unless its content (sha256 \(layer.contentHash)) is already approved or --trust-local"))
        }
        if let composition = plan.composition, composition.needsBuild, let tag = composition.tag {
            let context = SessionStep.Placeholder.buildContext
            steps.append(
                SessionStep(
                    .buildImage, subject: tag, check: ["podman"] + PodmanCommands.imageExists(tag),
                    argv: ["podman"] + PodmanCommands.build(tag: tag, context: context),
                    when: "the image is missing"))
        }
        if !credentialProviders(policy.credentials).isEmpty {
            steps.append(
                SessionStep(
                    .fetchCredentials, subject: credentialProviders(policy.credentials).joined(separator: ","),
                    when: policy.credentials.strict.value ? "a provider that fails stops the run" : nil))
        }
        steps.append(SessionStep(.reconcileSessions, subject: String(policy.session.autoCleanupHours.value)))
        if let home = plan.homeVolume {
            let create = try VolumeBackend.createHome(
                home, project: policy.project.hostPath.value, createdAt: SessionStep.Placeholder.now
            ).get()
            steps.append(
                SessionStep(
                    .prepareHome, subject: home, check: ["podman"] + PodmanCommands.volumeInspect(home),
                    argv: ["podman"] + create, when: "the volume is missing"))
        }
        let caches = policy.caches.enabled.value ? policy.caches.volumes : []
        for volume in caches {
            let name = volume.volumeName
            if policy.caches.fresh.value {
                steps.append(
                    SessionStep(
                        .clearCache, subject: name,
                        check: ["podman"] + PodmanCommands.volumeUsers(name),
                        argv: ["podman"] + PodmanCommands.volumeRemove(name),
                        when: "the volume exists and no container uses it (in use: the run stops)"))
            }
            let create = try VolumeBackend.createCache(
                volume, key: volume.key, createdAt: SessionStep.Placeholder.now
            ).get()
            steps.append(
                SessionStep(
                    .prepareCache, subject: name, check: ["podman"] + PodmanCommands.volumeInspect(name),
                    argv: ["podman"] + create, when: "the volume is missing"))
        }
        steps.append(SessionStep(.createSession, subject: plan.sessionName))
        guard let podman else { return steps }
        let environment = podman.environment.keys.sorted()
        let image = policy.image.value
        let performer: SessionStep.Performer = plan.policy.session.detach.value ? .supervisor : .run
        // With the fence hook, every podman command that starts the container names its hooks.
        var global = ["podman"]
        var serve: SessionStep?
        if let seccomp = plan.artifacts.seccomp {
            steps.append(SessionStep(.prepareSeccomp, subject: seccomp.path))
        }
        if fenceFromHost, let files = plan.artifacts.fenceFiles {
            global += PodmanCommands.hooksDirectory(files.hooksDirectory)
            steps.append(SessionStep(.prepareFence, subject: files.directory, input: "nftables"))
            serve = SessionStep(
                .serveResolver, subject: files.socket, performer: performer,
                when: "from before the container starts until it ends; if it stops, DNS and new connections fail")
        }
        if direct {
            if let serve { steps.append(serve) }
            steps.append(
                SessionStep(
                    .runAttached, subject: container, argv: global + podman.argv,
                    when:
                        "again after `podman \(PodmanCommands.pull(image).joined(separator: " "))` if podman exits 125 and "
                        + "`podman \(PodmanCommands.imageExists(image).joined(separator: " "))` fails",
                    environment: environment))
            if !caches.isEmpty {
                steps.append(
                    SessionStep(
                        .finaliseCaches, subject: caches.map(\.volumeName).joined(separator: ","),
                        when: "the agent exited 0"))
            }
            steps.append(SessionStep(.recordEnd, subject: plan.sessionName))
            return steps
        }
        if plan.composition?.tag != image {
            steps.append(
                SessionStep(
                    .pullImage, subject: image, check: ["podman"] + PodmanCommands.imageExists(image),
                    argv: ["podman"] + PodmanCommands.pull(image), when: "the image is missing"))
        }
        steps.append(
            SessionStep(.createContainer, subject: container, argv: global + podman.argv, environment: environment))
        if plan.policy.session.detach.value {
            let spawn = SessionStep(
                .spawnSupervisor, subject: plan.sessionName,
                argv: [plan.facts.minoExecutable ?? "mino", "supervise", plan.sessionName])
            let start = SessionStep(
                .startDetached, subject: container, argv: global + PodmanCommands.start(container, attach: false))
            if let serve {
                // The supervisor listens for the fence hook (the hook waits for it) and waits
                // for the container only once the hook has reached it.
                steps += [spawn, serve, start]
            } else {
                steps += [start, spawn]
            }
        } else {
            if let serve { steps.append(serve) }
            steps.append(
                SessionStep(
                    .startAttached, subject: container, argv: global + PodmanCommands.start(container, attach: true)))
        }
        if performer == .supervisor {
            steps.append(
                SessionStep(
                    .waitContainer, subject: container, performer: .supervisor,
                    argv: ["podman"] + PodmanCommands.wait(container)))
        }
        steps.append(
            SessionStep(
                .removeContainer, subject: container, performer: performer,
                argv: ["podman"] + PodmanCommands.remove(container, graceSeconds: 0), when: "after the agent exits"))
        if !caches.isEmpty {
            steps.append(
                SessionStep(
                    .finaliseCaches, subject: caches.map(\.volumeName).joined(separator: ","), performer: performer,
                    when: "the agent exited 0"))
        }
        steps.append(SessionStep(.recordEnd, subject: plan.sessionName, performer: performer))
        return steps
    }

    /// The credential providers a request asks for, in the order they are fetched.
    static func credentialProviders(_ request: CredentialRequest) -> [String] {
        var names = [String]()
        if request.aws.value { names.append("aws") }
        if request.gcp.value { names.append("gcp") }
        if request.azure.value { names.append("azure") }
        if request.github.value { names.append("github") }
        return names
    }
}
