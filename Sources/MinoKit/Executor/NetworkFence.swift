import Backends
import Foundation
import PolicyModel

/// Loads a netfilter ruleset into a created container's network namespace from the host side:
/// `nsenter -t <pid> -n iptables-restore` (and `ip6tables-restore`), inside `podman unshare`
/// when podman is rootless. The agent never holds CAP_NET_ADMIN and `mino exec` cannot undo it.
///
/// `iptables-restore` replaces the whole filter table in one step, so applying again (the DNS
/// refresh) never leaves a half-open fence.
struct NetworkFence {
    let runner: any CommandRunner
    let environment: [String: String]
    let rootless: Bool

    /// The absolute paths of the host tools, or `nil` when one is missing (then the wrapper
    /// applier is the fallback).
    func tools() -> (nsenter: String, ipv4: String, ipv6: String)? {
        guard let nsenter = Self.locate("nsenter", environment: environment),
            let ipv4 = Self.locate("iptables-restore", environment: environment),
            let ipv6 = Self.locate("ip6tables-restore", environment: environment)
        else { return nil }
        return (nsenter, ipv4, ipv6)
    }

    /// An executable on `PATH` or in the system directories, as an absolute path.
    static func locate(_ name: String, environment: [String: String]) -> String? {
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in path + ["/usr/local/sbin", "/usr/sbin", "/sbin"] where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Loads both tables into the namespace of process `pid`; any failure is an error and the
    /// caller removes the container (the agent never starts behind a partial fence).
    func apply(_ ruleset: NetfilterRuleset, pid: Int32) throws(CommandFailure) {
        guard let tools = tools() else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.fenceToolsMissing()])
        }
        for (tool, text) in [(tools.ipv4, ruleset.ipv4), (tools.ipv6, ruleset.ipv6)] {
            let enter = [tools.nsenter, "--target", String(pid), "--net", tool]
            let spec =
                rootless
                ? ProcessSpec("podman", ["unshare"] + enter, environment: environment, input: .bytes(Array(text.utf8)))
                : ProcessSpec(
                    tools.nsenter, Array(enter.dropFirst()), environment: environment, input: .bytes(Array(text.utf8)))
            let result: ProcessResult
            do {
                result = try runner.run(spec, timeout: .seconds(60))
            } catch {
                throw CommandFailure(
                    exitCode: .failure, diagnostics: [.fenceFailed(tool: tool, detail: "\(error.kind)")])
            }
            guard result.succeeded else {
                throw CommandFailure(
                    exitCode: .failure, diagnostics: [.fenceFailed(tool: tool, detail: result.errorText)])
            }
        }
    }
}

extension Diagnostic {
    static func fenceToolsMissing() -> Diagnostic {
        .error(
            "network.fence-unavailable",
            "the network fence needs nsenter, iptables-restore and ip6tables-restore on the host",
            help: "install util-linux and iptables (`mino setup`), or set `container.network_enforcement = \"wrapper\"`"
        )
    }

    static func fenceFailed(tool: String, detail: String) -> Diagnostic {
        let line = detail.split(separator: "\n").last.map(String.init) ?? detail
        return .error(
            "network.fence-failed", "loading the network fence with `\(tool)` failed: \(line)",
            help: "the session was not started; `mino status` checks what this host can enforce")
    }

    static func fenceFallback(at origin: Origin) -> Diagnostic {
        .warning(
            "network.fence-fallback",
            "nsenter or iptables-restore is missing on the host: the allowlist is applied inside the container instead",
            at: origin, help: "install util-linux and iptables to load the fence from the host (`mino setup`)")
    }
}
