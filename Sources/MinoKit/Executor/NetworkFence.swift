import Backends
import Diagnostics
import Foundation
import PolicyModel
import SessionPlanning

/// Loads a netfilter table into a created container's network namespace from the host side,
/// with the argv the plan lists (`nsenter --target PID --net iptables-restore`, inside
/// `podman unshare` when podman is rootless). The agent never holds CAP_NET_ADMIN and
/// `mino exec` cannot undo it.
///
/// `iptables-restore` replaces the whole filter table in one step, so loading again (the DNS
/// refresh) never leaves a half-open fence.
struct NetworkFence {
    let runner: any CommandRunner
    let environment: [String: String]

    /// Runs one load (`argv` with `${container.pid}`) with `text` on standard input; any failure
    /// is an error and the caller removes the container.
    func load(_ text: String, argv: [String], pid: Int32) throws(CommandFailure) {
        guard !argv.isEmpty else { return }
        let filled = PlanExecution.filled(argv, [SessionStep.Placeholder.containerPID: String(pid)])
        let tool = argv.last ?? ""
        let spec = ProcessSpec(
            filled[0], Array(filled.dropFirst()), environment: environment, input: .bytes(Array(text.utf8)))
        let result: ProcessResult
        do {
            result = try runner.run(spec, timeout: .seconds(60))
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.fenceFailed(tool: tool, detail: "\(error.kind)")])
        }
        guard result.succeeded else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.fenceFailed(tool: tool, detail: result.errorText)])
        }
    }

    /// Loads both tables with the plan's two loads (IPv4, then IPv6).
    func load(_ ruleset: NetfilterRuleset, loads: [[String]], pid: Int32) throws(CommandFailure) {
        for (text, argv) in zip([ruleset.ipv4, ruleset.ipv6], loads) {
            try load(text, argv: argv, pid: pid)
        }
    }
}

extension Diagnostic {
    static func fenceFailed(tool: String, detail: String) -> Diagnostic {
        let line = detail.split(separator: "\n").last.map(String.init) ?? detail
        return .error(
            "network.fence-failed", "loading the network fence with `\(tool)` failed: \(line)",
            help: "the session was not started; `mino status` checks what this host can enforce")
    }
}
