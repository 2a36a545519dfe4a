import Diagnostics
import PolicyModel

/// Compiles a container policy into podman command lines: `create` (attached sessions), `run -d`
/// (detached) and `exec` (into a running session).
///
/// The argv order of `create` and `run` is fixed and part of the contract (goldens pin it):
///
/// 1. the verb: `create [-i] [-t]` (each flag only when `TerminalMode` says so) or `run -d`;
/// 2. `--rm` (both forms: the container, and the credentials in its environment, never
///    outlive the session);
/// 3. `--name mino-<session>`, `--label io.mino.session=<session>`;
/// 4. `-w <workdir>`;
/// 5. `--network bridge|host|none` (an allowlist is `bridge` plus a fence);
/// 6. `--cap-drop ALL`, then, in wrapper mode only, `--cap-add` for each of
///    `CapshWrapperBackend.addedCapabilities`: drops always precede adds;
/// 7. `--security-opt no-new-privileges`, `--security-opt seccomp=<runtime dir>/seccomp/<hash>.json`
///    (mino's profile, `SeccompBackend`, which the executor writes there first);
/// 8. `--pids-limit N`, then `--memory Nm --memory-swap Nm` (no swap beyond the limit), each
///    when the host can enforce it;
/// 9. identity: `--userns=keep-id` when rootless, then `--user uid:gid` (the caller's ids, which
///    keep-id maps to themselves); in wrapper mode `--user 0:0` instead (the wrapper switches to
///    uid:gid);
/// 10. `--ulimit nofile=N:N` (rootful) and `--ulimit nproc=N:N` (rootful, or when
///     `--pids-limit` cannot be enforced), never above the caller's hard limits;
/// 11. `--read-only`, `--tmpfs /tmp:size=Nm`, `--tmpfs /run:size=Nm` (and `/home/developer`
///     without a home volume) when the root filesystem is read-only, each half the memory limit;
/// 12. `-v` mounts: the project (`nosuid,nodev`), the home volume, cache volumes, the
///     policy's mounts, the SSH agent socket; every one carries `nosuid,nodev`;
/// 13. `-e NAME` for every variable, sorted by name, never with a value;
/// 14. `--pull never` (the executor pulls first, so the podman process's environment, which
///     carries the agent's values, never drives a registry request);
/// 15. the image;
/// 16. the command: the policy's, else the shell; in wrapper mode `/bin/sh -c <wrapper>`.
///
/// `exec` is `exec [-i] [-t] --user <uid:gid> <id> <command…>`; in wrapper mode `--user 0:0`
/// and the command is the capability re-drop wrapper, because an exec'd process gets the
/// container's capability set back.
public enum PodmanBackend {
    /// The label every mino container carries, valued with the session name.
    public static let sessionLabel = "io.mino.session"
    /// Where the SSH agent socket appears.
    public static let sshAgentTarget = "/ssh-agent"
    /// Where the home volume is mounted.
    public static let homeTarget = CapshWrapperBackend.agentHome
    /// The open-file limit of rootful containers, lowered to the caller's hard limit.
    public static let defaultOpenFiles: UInt64 = 1_048_576

    /// The container name of a session: `mino-<session>`, so it never collides with the user's
    /// own containers.
    public static func containerName(forSession name: String) -> String { "mino-" + name }

    /// `podman create …` for an attached session; `resolution` says how the wrapper (wrapper
    /// mode only) compiles allowed names.
    ///
    /// - Throws: `DiagnosticError` with every problem found.
    public static func create(
        _ policy: SandboxPolicy, facts: HostFacts, session: PodmanSession, terminal: TerminalMode,
        resolution: AddressResolution = .resolved, tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> PodmanInvocation {
        var verb = ["create"]
        if terminal.stdinIsTerminal { verb.append("-i") }
        if terminal.stdoutIsTerminal { verb.append("-t") }
        return try container(
            .create, verb: verb, policy, facts: facts, session: session, resolution: resolution, tools: tools)
    }

    /// `podman run …` for an attached session that needs nothing between creating and starting
    /// its container (no fence loaded from the host): the `create` arguments with `run`, one
    /// podman process instead of create, start and remove (`--rm` removes it).
    ///
    /// - Throws: `DiagnosticError` with every problem found.
    public static func run(
        _ policy: SandboxPolicy, facts: HostFacts, session: PodmanSession, terminal: TerminalMode = .none,
        resolution: AddressResolution = .resolved, tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> PodmanInvocation {
        var verb = ["run"]
        if terminal.stdinIsTerminal { verb.append("-i") }
        if terminal.stdoutIsTerminal { verb.append("-t") }
        return try container(
            .run, verb: verb, policy, facts: facts, session: session, resolution: resolution, tools: tools)
    }

    /// `podman exec …` into the running container `containerID` of a session compiled from
    /// `policy`; `command` defaults to the policy's shell.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-container-id`, `backend.invalid-argument`, …).
    public static func exec(
        _ policy: SandboxPolicy, facts: HostFacts, containerID: String, command: [String]?, terminal: TerminalMode,
        tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> PodmanInvocation {
        try exec(
            shell: policy.shell, wrapper: usesWrapper(policy) ? policy.network.enforcement.origin : nil, facts: facts,
            containerID: containerID, command: command, terminal: terminal, tools: tools)
    }

    /// `podman exec …` into a running session whose agent shell is `shell`; `wrapper` is the
    /// origin of the wrapper applier when the session's fence runs inside the container (the
    /// exec'd process must drop the capabilities again), `nil` otherwise. What `mino exec`
    /// knows from the session record, without a policy.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-container-id`, `backend.invalid-argument`, …).
    public static func exec(
        shell: Sourced<String>, wrapper wrapperOrigin: Origin?, facts: HostFacts, containerID: String,
        command: [String]?, terminal: TerminalMode, tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> PodmanInvocation {
        var collector = DiagnosticCollector()
        collector.add(Validation.containerID(containerID))
        let arguments = command ?? [shell.value]
        let origin = command == nil ? shell.origin : nil
        collector.add(contentsOf: Validation.commandArguments(arguments, origin: origin))
        try collector.throwIfAny()

        var verb = ["exec"]
        if terminal.stdinIsTerminal { verb.append("-i") }
        if terminal.stdoutIsTerminal { verb.append("-t") }
        var builder = ArgvBuilder(verb: verb)
        var wrapper: WrapperScript?
        if let wrapperOrigin {
            let script = try CapshWrapperBackend.execScript(
                command: arguments, origin: origin, facts: facts, tools: tools)
            builder.add(["--user", "0:0"], origin: wrapperOrigin)
            builder.add([containerID])
            builder.add(script.argv, origin: origin)
            wrapper = script
        } else {
            builder.add(["--user", "\(facts.userID):\(facts.groupID)"])
            builder.add([containerID])
            builder.add(arguments, origin: origin)
        }
        let capabilities =
            wrapper == nil
            ? EnforcementReport("capabilities", .kernel, "the exec'd process gets the container's set, which is empty")
            : EnforcementReport(
                "capabilities", .kernel,
                "the exec wrapper drops " + CapshWrapperBackend.addedCapabilities.joined(separator: ", ")
                    + " again before running the command")
        return PodmanInvocation(
            form: .exec, builder: builder, environment: [:],
            enforcement: [
                capabilities,
                EnforcementReport("identity", .kernel, "the command runs as \(facts.userID):\(facts.groupID)"),
            ],
            wrapper: wrapper)
    }

    /// The agent's command: the policy's, else its shell, with the origin of whichever it is.
    static func agentCommand(_ policy: SandboxPolicy) -> (arguments: [String], origin: Origin) {
        if let command = policy.command { return (command.value, command.origin) }
        return ([policy.shell.value], policy.shell.origin)
    }

    /// Whether the allowlist is applied inside the container by the capsh wrapper.
    static func usesWrapper(_ policy: SandboxPolicy) -> Bool {
        policy.network.mode.value == .allowlist && policy.network.enforcement.value == .wrapper
    }

    private static func container(
        _ form: PodmanInvocation.Form, verb: [String], _ policy: SandboxPolicy, facts: HostFacts,
        session: PodmanSession, resolution: AddressResolution, tools: WrapperTools
    ) throws(DiagnosticError) -> PodmanInvocation {
        var collector = DiagnosticCollector()
        collector.add(Validation.sessionName(session.name, origin: policy.session.name?.origin))
        collector.add(Validation.image(policy.image.value, origin: policy.image.origin))
        let command = agentCommand(policy)
        collector.add(contentsOf: Validation.commandArguments(command.arguments, origin: command.origin))
        let pids = policy.limits.pids
        if pids.value <= 0 {
            collector.add(.backendInvalidLimit("limits.pids", value: Int64(pids.value), at: pids.origin))
        }
        let mounts = plannedMounts(policy, facts: facts, session: session, into: &collector)
        let environment = plannedEnvironment(policy, facts: facts, into: &collector)
        var wrapper: WrapperScript?
        if usesWrapper(policy) {
            wrapper =
                collector.collect { () throws(DiagnosticError) -> WrapperScript? in
                    guard let ruleset = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: resolution)
                    else { return nil }
                    return try CapshWrapperBackend.startScript(
                        for: policy, facts: facts, ruleset: ruleset, tools: tools)
                } ?? nil
        }
        try collector.throwIfAny()

        var builder = ArgvBuilder(verb: verb)
        builder.add(["--rm"])
        builder.add(["--name", containerName(forSession: session.name)], origin: policy.session.name?.origin)
        builder.add(["--label", "\(sessionLabel)=\(session.name)"], origin: policy.session.name?.origin)
        builder.add(["-w", policy.project.workdir.value], origin: policy.project.workdir.origin)
        builder.add(["--network", networkFlag(policy.network.mode.value)], origin: policy.network.mode.origin)
        if policy.network.mode.value == .allowlist, wrapper == nil {
            // The session's resolver, on loopback inside the namespace, is the only nameserver;
            // no search domains, so a short name is not sent out under the host's domains.
            builder.add(
                ["--dns", EgressPolicyAddress.resolver, "--dns-search", "."], origin: policy.network.enforcement.origin)
        }
        builder.add(["--cap-drop", "ALL"])
        if wrapper != nil {
            for capability in CapshWrapperBackend.addedCapabilities {
                builder.add(["--cap-add", capability], origin: policy.network.enforcement.origin)
            }
        }
        builder.add(["--security-opt", "no-new-privileges"])
        builder.add([
            "--security-opt", "seccomp=" + SeccompBackend.profilePath(runtimeDirectory: facts.runtimeDirectory),
        ])
        let limits = processLimits(policy, facts: facts)
        if facts.pidsLimitSupported { builder.add(["--pids-limit", String(pids.value)], origin: pids.origin) }
        if facts.memoryLimitSupported {
            let memory = "\(memoryLimitMB(policy, facts: facts))m"
            builder.add(["--memory", memory, "--memory-swap", memory], origin: policy.limits.memoryMB.origin)
        }
        if facts.isRootless { builder.add(["--userns=keep-id"]) }
        if wrapper != nil {
            builder.add(["--user", "0:0"], origin: policy.network.enforcement.origin)
        } else {
            // Rootless too: keep-id maps the user's ids, and the explicit user overrides an
            // image's `USER` (mino-base says `developer`), so the agent owns what it writes.
            builder.add(["--user", "\(facts.userID):\(facts.groupID)"])
        }
        if let openFiles = limits.openFiles { builder.add(["--ulimit", "nofile=\(openFiles):\(openFiles)"]) }
        if let processes = limits.processes {
            builder.add(["--ulimit", "nproc=\(processes):\(processes)"], origin: pids.origin)
        }
        if policy.readOnlyRoot.value {
            builder.add(["--read-only"], origin: policy.readOnlyRoot.origin)
            // Each scratch tmpfs is bounded (podman's default is half the host's memory), also
            // where the memory limit cannot be enforced; where it can, their pages count against it.
            let size = scratchSizeMB(policy, facts: facts)
            for target in tmpfsTargets(policy, session: session) {
                builder.add(["--tmpfs", "\(target):size=\(size)m"], origin: policy.readOnlyRoot.origin)
            }
        }
        for mount in mounts { builder.add(["-v", mount.spec], origin: mount.origin) }
        for name in environment.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            builder.add(["-e", name], origin: environment[name]?.origin)
        }
        builder.add(["--pull", "never"])
        builder.add([policy.image.value], origin: policy.image.origin)
        builder.add(wrapper?.argv ?? command.arguments, origin: command.origin)

        return PodmanInvocation(
            form: form, builder: builder, environment: environment.mapValues(\.value),
            enforcement: containerEnforcement(policy, facts: facts, limits: limits, wrapper: wrapper != nil)
                + SeccompBackend.profile().enforcement,
            wrapper: wrapper)
    }

    private static func networkFlag(_ mode: NetworkPolicy.Mode) -> String {
        switch mode {
        case .bridge, .allowlist: return "bridge"
        case .host: return "host"
        case .none: return "none"
        }
    }

    /// The automatic memory limit's share of the host's memory, and its ceiling (MiB).
    public static let automaticMemoryCeilingMB: Int64 = 16384
    /// The automatic memory limit when the host's memory is unknown (MiB).
    public static let automaticMemoryFallbackMB: Int64 = 4096

    /// The container's memory limit in MiB: the policy's, else half the host's memory (at most
    /// `automaticMemoryCeilingMB`, at least 256), else `automaticMemoryFallbackMB`.
    public static func memoryLimitMB(_ policy: SandboxPolicy, facts: HostFacts) -> Int64 {
        if policy.limits.memoryMB.value > 0 { return policy.limits.memoryMB.value }
        guard let total = facts.memoryTotalMB, total > 0 else { return automaticMemoryFallbackMB }
        return max(256, min(total / 2, automaticMemoryCeilingMB))
    }

    /// The size of each scratch tmpfs of a read-only root: half the memory limit.
    public static func scratchSizeMB(_ policy: SandboxPolicy, facts: HostFacts) -> Int64 {
        max(1, memoryLimitMB(policy, facts: facts) / 2)
    }

    /// The `--ulimit` values: `nofile` when rootful, `nproc` when rootful or when the pids
    /// limit cannot be enforced; each no higher than the caller's hard limit.
    static func processLimits(_ policy: SandboxPolicy, facts: HostFacts) -> (openFiles: UInt64?, processes: UInt64?) {
        func capped(_ value: UInt64, _ name: String) -> UInt64 {
            facts.hardLimits[name].map { min($0, value) } ?? value
        }
        let pids = UInt64(max(policy.limits.pids.value, 1))
        let openFiles = facts.isRootless ? nil : capped(defaultOpenFiles, "nofile")
        let processes = (!facts.isRootless || !facts.pidsLimitSupported) ? capped(pids, "nproc") : nil
        return (openFiles, processes)
    }
}
