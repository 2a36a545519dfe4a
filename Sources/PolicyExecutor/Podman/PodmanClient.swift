import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Runs podman for the executor, through the `CommandRunner` seam.
///
/// INVARIANT: secret values reach podman only in its own environment (`valueEnvironment`),
/// never in its arguments; the argv comes from `PodmanBackend` and carries `-e NAME` only.
package struct PodmanClient {
    /// What `podman info` says about this host.
    package struct Info: Equatable {
        package var version: String
        package var rootless: Bool
        package var cgroupVersion: Int
        package var networkBackend: String

        /// Creates a value from its parts.
        package init(version: String, rootless: Bool, cgroupVersion: Int, networkBackend: String) {
            self.version = version
            self.rootless = rootless
            self.cgroupVersion = cgroupVersion
            self.networkBackend = networkBackend
        }
    }

    package let runner: any CommandRunner
    /// The environment podman runs with (mino's own: HOME, PATH, XDG_RUNTIME_DIR, CONTAINERS_*).
    package let environment: [String: String]

    /// Creates a value from its parts.
    package init(runner: any CommandRunner, environment: [String: String]) {
        self.runner = runner
        self.environment = environment
    }
    package let executable = "podman"

    package func spec(_ arguments: [String], extra: [String: String] = [:]) -> ProcessSpec {
        ProcessSpec(executable, arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs `podman arguments…` to completion; a failure becomes a diagnostic naming the
    /// subcommand and podman's last line of error output.
    @discardableResult
    package func run(_ arguments: [String], extra: [String: String] = [:], timeout: Duration? = .seconds(120))
        throws(ExecutorFailure) -> ProcessResult
    {
        let result: ProcessResult
        do {
            result = try runner.run(spec(arguments, extra: extra), timeout: timeout)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.succeeded else {
            throw ExecutorFailure(
                .failed,
                diagnostics: [.podmanFailed(arguments.first ?? "", status: result.status, stderr: result.errorText)])
        }
        return result
    }

    /// `podman info`: version, rootless, cgroup version, network backend. Any failure means
    /// podman is missing or misconfigured, and says so with `mino setup` as the fix.
    package func info() throws(ExecutorFailure) -> Info {
        let format =
            "{{.Version.Version}}|{{.Host.Security.Rootless}}|{{.Host.CgroupsVersion}}|{{.Host.NetworkBackend}}"
        let result: ProcessResult
        do {
            result = try runner.run(spec(["info", "--format", format]), timeout: .seconds(60))
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        let fields = result.outputText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        guard result.succeeded, fields.count == 4 else {
            throw ExecutorFailure(.failed, diagnostics: [.podmanMisconfigured(stderr: result.errorText)])
        }
        let cgroup = Int(fields[2].filter(\.isNumber)) ?? 1
        return Info(
            version: String(fields[0]), rootless: fields[1] == "true", cgroupVersion: cgroup,
            networkBackend: String(fields[3]))
    }

    package func imageExists(_ image: String) throws(ExecutorFailure) -> Bool {
        do {
            return try runner.run(spec(PodmanCommands.imageExists(image)), timeout: .seconds(60)).succeeded
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
    }

    /// `podman pull --quiet image` (up to 30 minutes: images are large).
    package func pull(_ image: String) throws(ExecutorFailure) {
        try run(PodmanCommands.pull(image), timeout: .seconds(1800))
    }

    /// The local ID of a present image.
    package func imageID(_ image: String) throws(ExecutorFailure) -> String {
        let result = try run(PodmanCommands.imageID(image), timeout: .seconds(60))
        return result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The container id `podman create` printed, or `nil` when it is not one.
    package static func containerID(fromCreateOutput text: String) -> String? {
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty, id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        return id
    }

    /// The pid and the resolvers (from the resolv.conf podman wrote) in the output of
    /// `podman inspect --format '{{.State.Pid}} {{.ResolvConfPath}}'`; `nil` without a live pid.
    package static func pidAndResolvers(fromInspectOutput text: String) -> (pid: Int32, resolvers: [String])? {
        let fields = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 1)
            .map(String.init)
        guard let pid = fields.first.flatMap({ Int32($0) }), pid > 0 else { return nil }
        guard fields.count == 2, let resolvConf = try? String(contentsOfFile: fields[1], encoding: .utf8) else {
            return (pid, [])
        }
        let resolvers = resolvConf.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= 2 && words[0] == "nameserver" ? String(words[1]) : nil
        }
        return (pid, resolvers)
    }

    /// Stops (SIGTERM, then SIGKILL after `seconds`; `force` kills at once) and removes a
    /// container in one podman call (`rm --force --time` stops first); a container that is
    /// already gone is not an error.
    package func stopAndRemove(_ id: String, seconds: Int = 10, force: Bool = false) {
        let wait = force ? 0 : seconds
        _ = try? runner.run(spec(PodmanCommands.remove(id, graceSeconds: wait)), timeout: .seconds(Int64(wait + 60)))
    }

    /// Whether a container exists, and whether it runs.
    package func state(_ id: String) -> (exists: Bool, running: Bool) {
        guard
            let result = try? runner.run(
                spec(PodmanCommands.running(id)), timeout: .seconds(30)),
            result.succeeded
        else { return (false, false) }
        return (true, result.outputText.trimmingCharacters(in: .whitespacesAndNewlines) == "true")
    }
}

extension Diagnostic {
    package static func podmanUnavailable(_ error: ProcessError) -> Diagnostic {
        switch error.kind {
        case .notFound:
            return .error(
                "podman.not-found", "podman is not installed or not on PATH",
                help: "install it with `mino setup`, or add it to PATH")
        case .timedOut:
            return .error(
                "podman.timed-out", "podman did not answer in time",
                help: "check `podman info`; `mino setup --check` lists what is missing")
        case .spawnFailed:
            return .error(
                "podman.not-found", "cannot start podman (\(String(cString: strerror(error.code))))",
                help: "run `mino setup` to install and configure podman")
        }
    }

    package static func podmanMisconfigured(stderr: String) -> Diagnostic {
        .error(
            "podman.misconfigured", "podman is installed but does not work: \(lastLine(stderr))",
            help: "run `mino setup` to configure podman (rootless needs subuid/subgid entries and XDG_RUNTIME_DIR)")
    }

    package static func podmanFailed(_ command: String, status: ProcessStatus, stderr: String) -> Diagnostic {
        .error(
            "podman.failed", "`podman \(command)` failed (status \(status.shellStatus)): \(lastLine(stderr))",
            help: "run with -v to see the podman commands; `mino status` checks the host")
    }

    /// The last non-empty line, shortened: podman's errors end with the useful part.
    private static func lastLine(_ text: String) -> String {
        let line = text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "no output"
        return line.count > 200 ? String(line.prefix(197)) + "..." : String(line)
    }
}
