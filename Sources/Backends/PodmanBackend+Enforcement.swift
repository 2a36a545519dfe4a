import Diagnostics
import PolicyModel

extension PodmanBackend {
    /// What a `create` or `run` invocation enforces on this host.
    static func containerEnforcement(
        _ policy: SandboxPolicy, facts: HostFacts, limits: (openFiles: UInt64?, processes: UInt64?), wrapper: Bool
    ) -> [EnforcementReport] {
        var reports = [EnforcementReport]()
        let network: String
        switch policy.network.mode.value {
        case .bridge: network = "own network namespace behind podman's bridge; the host's localhost is unreachable"
        case .host: network = "shares the host's network namespace, as asked: no network isolation"
        case .none: network = "own network namespace with loopback only"
        case .allowlist:
            network =
                wrapper
                ? "bridge; the fence is loaded by the in-container wrapper before the agent starts"
                : "bridge; the fence hook loads the fence into the container's namespace before the agent starts"
        }
        reports.append(EnforcementReport("network.mode", .kernel, network))
        reports.append(
            EnforcementReport(
                "capabilities", .kernel,
                wrapper
                    ? "all dropped; " + CapshWrapperBackend.addedCapabilities.joined(separator: ", ")
                        + " added for the wrapper and dropped before the agent runs"
                    : "all dropped"))
        reports.append(
            EnforcementReport("no-new-privileges", .kernel, "setuid binaries and file capabilities grant nothing"))
        let pids = policy.limits.pids.value
        if facts.pidsLimitSupported {
            reports.append(
                EnforcementReport("limits.pids", .kernel, "at most \(pids) processes (cgroup pids controller)"))
        } else {
            reports.append(
                EnforcementReport(
                    "limits.pids", .unsupported,
                    "podman cannot enforce --pids-limit on this host (rootless on cgroup v1); "
                        + "--ulimit nproc=\(limits.processes ?? UInt64(pids)) bounds processes per user instead"))
        }
        let memory = memoryLimitMB(policy, facts: facts)
        if facts.memoryLimitSupported {
            reports.append(
                EnforcementReport(
                    "limits.memory", .kernel,
                    "at most \(memory) MiB, swap included (cgroup memory controller: the kernel kills "
                        + "the container's largest process beyond it)"))
        } else {
            reports.append(
                EnforcementReport(
                    "limits.memory", .unsupported,
                    "podman cannot enforce --memory on this host (rootless on cgroup v1): "
                        + "the agent's memory is not limited (\(memory) MiB asked)"))
        }
        if facts.userID == 0 {
            // The invoking user is root: the agent runs as root inside the container. mino
            // refuses such runs unless the user opts in (`--allow-root`).
            let note =
                policy.identity.allowRoot.value
                ? "mino runs as root and root is allowed: the agent runs as root in the container (0:0)"
                : "mino runs as root: `mino run` refuses unless --allow-root (the agent would be root)"
            reports.append(EnforcementReport("identity", .unsupported, note))
        } else {
            let identity =
                facts.isRootless
                ? "rootless, user namespace with keep-id: the agent runs as \(facts.userID):\(facts.groupID)"
                : "rootful, the agent runs as \(facts.userID):\(facts.groupID), never as root"
            reports.append(EnforcementReport("identity", .kernel, identity))
        }
        if let openFiles = limits.openFiles {
            reports.append(EnforcementReport("limits.nofile", .kernel, "at most \(openFiles) open files"))
        }
        if policy.readOnlyRoot.value {
            reports.append(
                EnforcementReport(
                    "filesystem.read-only", .kernel,
                    "read-only root; tmpfs for scratch directories, each at most "
                        + "\(scratchSizeMB(policy, facts: facts)) MiB"))
        }
        reports.append(EnforcementReport("filesystem.project", .kernel, "project mounted read-write with nosuid,nodev"))
        return reports
    }
}
