import Diagnostics
import PolicyModel

/// Compiles the in-container wrapper of the `wrapper` allowlist applier, and the re-drop
/// wrapper `mino exec` needs in such a session.
///
/// The container runs as its root with exactly `addedCapabilities` (after `--cap-drop ALL`).
/// The start script loads both tables (failing closed if a tool is missing or a table does not
/// load), then `exec`s `capsh`, which drops every added capability from the bounding set (needs
/// CAP_SETPCAP, still held), sets the invoking gid, supplementary groups and uid (needs
/// CAP_SETGID and CAP_SETUID, still held; the uid change clears the rest), and starts the agent
/// with no capability at all. Measured with libcap 2.66: with NET_ADMIN and SETPCAP alone,
/// `capsh --gid=` fails with EPERM, hence SETGID and SETUID. The five capability sets of the
/// agent are then 0 and NoNewPrivs is 1.
///
/// A process started by `podman exec` gets the container's capability set back, so `mino exec`
/// into such a session runs `execScript` as container root, which does the same drop.
public enum CapshWrapperBackend {
    /// The capabilities the container holds in wrapper mode, as podman names them (sorted);
    /// every one is dropped before the agent runs.
    public static let addedCapabilities = ["NET_ADMIN", "SETGID", "SETPCAP", "SETUID"]

    /// The `capsh --drop=` list: `addedCapabilities` in capsh's spelling.
    public static var dropList: String {
        addedCapabilities.map { "cap_" + $0.lowercased() }.joined(separator: ",")
    }

    /// Where the agent's home is (the home volume's target); the wrapper sets `HOME` to it,
    /// because podman sets `HOME` for the container's user, root.
    public static let agentHome = "/home/developer"

    /// `$0` of the shell that execs the agent, as shown by `ps`.
    static let agentProcessName = "mino-agent"

    /// The script the container runs in wrapper mode: load `ruleset`, then run the policy's
    /// command (or shell) through `capsh`.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-argument`, `backend.empty-command`).
    public static func startScript(
        for policy: SandboxPolicy, facts: HostFacts, ruleset: NetfilterRuleset, tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> WrapperScript {
        let command = PodmanBackend.agentCommand(policy)
        try DiagnosticCollector.throwing(Validation.commandArguments(command.arguments, origin: command.origin))
        let enforcementOrigin = policy.network.enforcement.origin
        var lines = [
            ArtifactLine(
                "# mino network allowlist wrapper: runs as container root, loads the fence, then runs the agent as "
                    + "\(facts.userID):\(facts.groupID) with no capabilities", origin: enforcementOrigin),
            ArtifactLine("set -eu"),
            ArtifactLine(
                "for tool in "
                    + [tools.iptablesRestore, tools.ip6tablesRestore, tools.capsh].map(ShellQuoting.quote)
                    .joined(separator: " ") + "; do"),
            ArtifactLine(
                "    command -v \"$tool\" >/dev/null 2>&1 || { echo \"mino: $tool not found in the image; the network "
                    + "allowlist cannot be enforced\" >&2; exit 126; }"),
            ArtifactLine("done"),
        ]
        lines += hereDocument(
            ShellQuoting.quote(tools.iptablesRestore), ruleset.ipv4Lines, delimiter: "MINO_IPV4_RULESET")
        lines += hereDocument(
            ShellQuoting.quote(tools.ip6tablesRestore), ruleset.ipv6Lines, delimiter: "MINO_IPV6_RULESET")
        lines += containerResolverLines(tools: tools, origin: enforcementOrigin)
        lines += dropAndRun(command.arguments, origin: command.origin, facts: facts, tools: tools)
        return WrapperScript(lines: lines, enforcement: enforcement(facts: facts), shell: tools.shell)
    }

    /// The script `mino exec` runs as container root in a wrapper-mode session: drop the
    /// capabilities again and run `command` as the invoking user.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-argument`, `backend.empty-command`).
    public static func execScript(
        command: [String], origin: Origin?, facts: HostFacts, tools: WrapperTools = .standard
    ) throws(DiagnosticError) -> WrapperScript {
        try DiagnosticCollector.throwing(Validation.commandArguments(command, origin: origin))
        var lines = [
            ArtifactLine(
                "# mino exec wrapper: podman exec gives the container's capabilities back; drop them again and run as "
                    + "\(facts.userID):\(facts.groupID)"),
            ArtifactLine("set -eu"),
            ArtifactLine(
                "command -v \(ShellQuoting.quote(tools.capsh)) >/dev/null 2>&1 || { echo 'mino: capsh not found in "
                    + "the image; cannot drop capabilities for exec' >&2; exit 126; }"),
        ]
        lines += dropAndRun(command, origin: origin, facts: facts, tools: tools)
        return WrapperScript(lines: lines, enforcement: enforcement(facts: facts), shell: tools.shell)
    }

    /// DNS to the container's own resolvers. The tables above were compiled before the
    /// container existed, from the host's resolvers; on a podman network with its own DNS the
    /// container's resolver is another address, which only its `/etc/resolv.conf` (written by
    /// podman, before the agent runs) names. Each `nameserver` that is a plain address (only
    /// hex digits, dots and colons: nothing else reaches the rule) gets the two DNS accepts,
    /// inserted first in `OUTPUT`, in its family's table.
    private static func containerResolverLines(tools: WrapperTools, origin: Origin) -> [ArtifactLine] {
        let v4 = ShellQuoting.quote(tools.iptablesRestore)
        let v6 = ShellQuoting.quote(tools.ip6tablesRestore)
        return [
            ArtifactLine("# DNS to the resolvers podman wrote into this container's resolv.conf", origin: origin),
            ArtifactLine("while read -r key address rest; do"),
            ArtifactLine("    [ \"$key\" = nameserver ] || continue"),
            ArtifactLine(
                "    case $address in ''|*[!0-9A-Fa-f.:]*) continue ;; *:*) restore=\(v6) ;; *) restore=\(v4) ;; esac"),
            ArtifactLine(
                "    printf '*filter\\n-I OUTPUT 1 -d %s -p udp --dport 53 -j ACCEPT\\n"
                    + "-I OUTPUT 1 -d %s -p tcp --dport 53 -j ACCEPT\\nCOMMIT\\n' \"$address\" \"$address\" "
                    + "| \"$restore\" --noflush"),
            ArtifactLine("done < \(ShellQuoting.quote(tools.resolvConf))"),
        ]
    }

    /// `tool <<'DELIMITER'`, the table, the delimiter. The delimiter is quoted, so nothing in
    /// the table is expanded, and lengthened in the (impossible by construction) case that a
    /// line of the table equals it.
    private static func hereDocument(_ tool: String, _ table: [ArtifactLine], delimiter: String) -> [ArtifactLine] {
        var delimiter = delimiter
        while table.contains(where: { $0.text == delimiter }) { delimiter += "_" }
        return [ArtifactLine("\(tool) <<'\(delimiter)'")] + table + [ArtifactLine(delimiter)]
    }

    private static func dropAndRun(
        _ command: [String], origin: Origin?, facts: HostFacts, tools: WrapperTools
    ) -> [ArtifactLine] {
        let capsh =
            [
                "exec", ShellQuoting.quote(tools.capsh), "--drop=" + dropList, "--gid=\(facts.groupID)",
                "--groups=\(facts.groupID)", "--uid=\(facts.userID)", ShellQuoting.quote("--shell=" + tools.shell),
                "--", "-c", ShellQuoting.quote("exec \"$@\""), agentProcessName,
            ] + command.map(ShellQuoting.quote)
        return [
            ArtifactLine("HOME=\(ShellQuoting.quote(agentHome))"),
            ArtifactLine("export HOME"),
            ArtifactLine(capsh.joined(separator: " "), origin: origin),
        ]
    }

    private static func enforcement(facts: HostFacts) -> [EnforcementReport] {
        [
            EnforcementReport(
                "capabilities", .kernel,
                addedCapabilities.joined(separator: ", ")
                    + " held by the wrapper only; capsh drops them and the uid switch clears the rest before the agent runs"
            ),
            EnforcementReport("identity", .kernel, "the agent runs as \(facts.userID):\(facts.groupID)"),
        ]
    }
}

extension DiagnosticCollector {
    /// Throws the diagnostics as one error when there are any.
    static func throwing(_ diagnostics: [Diagnostic]) throws(DiagnosticError) {
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
    }
}
