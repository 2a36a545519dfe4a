import Diagnostics
import PolicyModel

extension PodmanBackend {
    /// One `-v` argument and the policy element it comes from.
    struct PlannedMount {
        let spec: String
        let target: String
        let origin: Origin?
    }

    /// Mount options a policy may ask for; `nosuid` and `nodev` are always added. Anything else
    /// (`suid`, `dev`, `U` which chowns the host directory, propagation settings, …) is refused.
    static let allowedMountOptions: Set<String> = ["ro", "rw", "noexec", "z", "Z", "nosuid", "nodev"]

    /// The options every mount carries.
    static let hardeningOptions = ["nosuid", "nodev"]

    /// The tmpfs mounts of a read-only root: `/tmp`, `/run`, and the home directory when no
    /// home volume is mounted there (the agent needs a writable home).
    static func tmpfsTargets(_ policy: SandboxPolicy, session: PodmanSession) -> [String] {
        var targets = ["/tmp", "/run"]
        if !(policy.homeVolume.value && session.homeVolume != nil) { targets.append(homeTarget) }
        return targets
    }

    /// The `-v` arguments, in order: project, home volume, caches, the policy's mounts, the SSH
    /// agent socket. Problems go to `collector`.
    static func plannedMounts(
        _ policy: SandboxPolicy, facts: HostFacts, session: PodmanSession, into collector: inout DiagnosticCollector
    ) -> [PlannedMount] {
        var mounts = [PlannedMount]()
        let project = policy.project
        let hostPath = project.hostPath.value
        let workdir = project.workdir.value
        collector.add(
            Validation.absolutePath(hostPath, role: "project path", origin: project.hostPath.origin, forbidden: ":,"))
        collector.add(
            Validation.absolutePath(workdir, role: "workdir", origin: project.workdir.origin, forbidden: ":,"))
        if Validation.components(of: workdir).isEmpty {
            collector.add(
                .backendInvalidPath(
                    workdir, role: "workdir", reason: "is the root directory", at: project.workdir.origin))
        }
        if let sensitive = SensitivePaths.exposed(by: hostPath, home: facts.homeDirectory) {
            collector.add(.backendSensitivePath(hostPath, sensitive: sensitive, at: project.hostPath.origin))
        }
        mounts.append(
            PlannedMount(
                spec: "\(hostPath):\(workdir):" + ProjectMount.options.joined(separator: ","), target: workdir,
                origin: project.hostPath.origin))

        if policy.homeVolume.value, let volume = session.homeVolume {
            collector.add(Validation.volumeName(volume, origin: policy.homeVolume.origin))
            mounts.append(volumeMount(volume, target: homeTarget, options: [], origin: policy.homeVolume.origin))
        }
        if policy.caches.enabled.value {
            for cache in policy.caches.volumes {
                let origin = policy.caches.enabled.origin
                collector.add(Validation.volumeName(cache.volumeName, origin: origin))
                if cache.ecosystem.contains("/") || Validation.volumeName(cache.ecosystem, origin: nil) != nil {
                    collector.add(
                        .backendInvalidPath(cache.target, role: "cache target", reason: "is not allowed", at: origin))
                }
                mounts.append(volumeMount(cache.volumeName, target: cache.target, options: [], origin: origin))
            }
        }
        for mount in policy.mounts {
            switch mount.source {
            case .hostPath(let path):
                collector.add(
                    Validation.absolutePath(path, role: "mount source", origin: mount.origin, forbidden: ":,"))
            case .volume(let name):
                collector.add(Validation.volumeName(name, origin: mount.origin))
            }
            collector.add(
                Validation.absolutePath(mount.target, role: "mount target", origin: mount.origin, forbidden: ":,"))
            for option in mount.options where !allowedMountOptions.contains(option) {
                collector.add(.backendUnsafeMountOption(option, target: mount.target, at: mount.origin))
            }
            let source: String
            switch mount.source {
            case .hostPath(let path): source = path
            case .volume(let name): source = name
            }
            mounts.append(volumeMount(source, target: mount.target, options: mount.options, origin: mount.origin))
        }
        if policy.credentials.sshAgent.value, let socket = facts.sshAuthSocket {
            collector.add(Validation.absolutePath(socket, role: "SSH agent socket", origin: nil, forbidden: ":,"))
            mounts.append(
                volumeMount(socket, target: sshAgentTarget, options: [], origin: policy.credentials.sshAgent.origin))
        }

        var seen = [[Substring]]()  // a handful of mounts: linear search, no hashing
        let tmpfs = policy.readOnlyRoot.value ? tmpfsTargets(policy, session: session) : []
        for target in mounts.map(\.target) + tmpfs {
            let key = Validation.components(of: target)
            if seen.contains(key) {
                let origin = mounts.last { Validation.components(of: $0.target) == key }?.origin
                collector.add(.backendDuplicateMountTarget(target, at: origin))
            } else {
                seen.append(key)
            }
        }
        return mounts
    }

    /// `source:target:options`, with `nosuid,nodev` appended when missing.
    private static func volumeMount(_ source: String, target: String, options: [String], origin: Origin?)
        -> PlannedMount
    {
        var all = [String]()
        for option in options + hardeningOptions where !all.contains(option) { all.append(option) }
        return PlannedMount(spec: "\(source):\(target):" + all.joined(separator: ","), target: target, origin: origin)
    }
}
