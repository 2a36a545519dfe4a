import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Loads a netfilter table into a created container's network namespace from the host side,
/// with the argv the plan lists (`nsenter --target PID --net iptables-restore`, inside
/// `podman unshare` when podman is rootless). The agent never holds CAP_NET_ADMIN and
/// `mino exec` cannot undo it.
///
/// `iptables-restore` replaces the whole filter table in one step, so loading again (the DNS
/// refresh) never leaves a half-open fence.
package struct NetworkFence {
    package let runner: any CommandRunner
    package let environment: [String: String]

    /// Creates a value from its parts.
    package init(runner: any CommandRunner, environment: [String: String]) {
        self.runner = runner
        self.environment = environment
    }

    /// Runs one load (`argv` with `${container.pid}`) with `text` on standard input; any failure
    /// is an error and the caller removes the container.
    package func load(_ text: String, argv: [String], pid: Int32) throws(ExecutorFailure) {
        guard !argv.isEmpty else { return }
        let filled = PlanExecution.filled(argv, [SessionStep.Placeholder.containerPID: String(pid)])
        let tool = argv.last ?? ""
        let spec = ProcessSpec(
            filled[0], Array(filled.dropFirst()), environment: environment, input: .bytes(Array(text.utf8)))
        let result: ProcessResult
        do {
            result = try runner.run(spec, timeout: .seconds(60))
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.fenceFailed(tool: tool, detail: "\(error.kind)")])
        }
        guard result.succeeded else {
            throw ExecutorFailure(.failed, diagnostics: [.fenceFailed(tool: tool, detail: result.errorText)])
        }
    }

    /// Loads both tables with the plan's two loads (IPv4, then IPv6).
    package func load(_ ruleset: NetfilterRuleset, loads: [[String]], pid: Int32) throws(ExecutorFailure) {
        for (text, argv) in zip([ruleset.ipv4, ruleset.ipv6], loads) {
            try load(text, argv: argv, pid: pid)
        }
    }
}

extension Diagnostic {
    package static func fenceFailed(tool: String, detail: String) -> Diagnostic {
        let line = detail.split(separator: "\n").last.map(String.init) ?? detail
        return .error(
            "network.fence-failed", "loading the network fence with `\(tool)` failed: \(line)",
            help: "the session was not started; `mino status` checks what this host can enforce")
    }
}
