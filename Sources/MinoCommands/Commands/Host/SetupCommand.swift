import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino setup [-y] [--check] [--upgrade]`: installs what mino needs (podman, an OCI runtime,
/// the network fence's tools, and for rootless use uidmap, slirp4netns, fuse-overlayfs and
/// subordinate ids), then runs a fenced self-test session and prints what this host enforces.
///
/// Idempotent: a second run installs nothing. `--check` changes nothing and exits 1 when a
/// required piece is missing. Package installs need root; mino uses `sudo` when it is not root,
/// and asks before installing unless `-y` is given (a non-interactive run without `-y` refuses).
enum SetupCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "setup",
        abstract: "Install and check what mino needs on this host",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.yes, short: "y", help: "Answer yes to every prompt"),
                    OptionSpec(.check, help: "Only check; change nothing"),
                    OptionSpec(.upgrade, help: "Also upgrade components that are already installed"),
                    OptionSpec(.native, help: "Set up the native sandbox instead of containers"),
                    OptionSpec(.uninstall, help: "Remove the native sandbox components"),
                ])
        ],
        constraints: [.conflicts(.uninstall, with: [.native])])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        if parsed.flag(.native) || parsed.flag(.uninstall) {
            throw CommandFailure(
                exitCode: .unavailable,
                diagnostics: [
                    .error(
                        "setup.native-unavailable", "the native sandbox runtime is not built in this version",
                        help: "run `mino setup` without --native/--uninstall to set up the container runtime")
                ])
        }
        let probe = HostInspection.Probe.system(environment: context.environment)
        var inspection = HostInspection.inspect(probe)
        let out = context.standardOutput
        out.write("Host: \(inspection.distribution) (\(probe.userID == 0 ? "root" : "user \(probe.userName)"))\n")
        out.write(report(inspection))
        if parsed.flag(.check) {
            let missing = inspection.missingRequired
            if missing.isEmpty {
                out.write("Everything mino needs is present.\n")
                return .success
            }
            throw CommandFailure(exitCode: .failure, diagnostics: [.setupMissing(missing, inspection)])
        }
        let packages = inspection.packages(upgrade: parsed.flag(.upgrade))
        if !packages.isEmpty {
            guard let manager = inspection.packageManager else {
                throw CommandFailure(
                    exitCode: .failure, diagnostics: [.setupMissing(inspection.missingRequired, inspection)])
            }
            try confirm("Install \(packages.joined(separator: " ")) with \(manager.rawValue)?", parsed, context)
            try install(
                packages, manager: manager, userID: probe.userID, runner: try context.runner(), context: context)
        }
        if probe.userID != 0, inspection.items.contains(where: { ["subuid", "subgid"].contains($0.id) && !$0.present })
        {
            try confirm("Add subordinate uid/gid ranges for \(probe.userName)?", parsed, context)
            try addSubordinateIDs(probe, runner: try context.runner(), context: context)
        }
        let runner = try context.runner()
        inspection = HostInspection.inspect(probe)
        let missing = inspection.missingRequired
        guard missing.isEmpty else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.setupMissing(missing, inspection)])
        }
        out.write("All required components are present.\n")
        try configureRuntime(probe, parsed: parsed, runner: runner, context: context)
        let selfTest = try SetupSelfTest.run(parsed: parsed, context: context, runner: runner)
        out.write(selfTest.summary)
        if let facts = selfTest.facts {
            out.write("What this host enforces:\n" + HostEnforcement.render(HostEnforcement.reports(facts: facts)))
        }
        return selfTest.passed ? .success : .failure
    }

    /// The drop-in `mino setup` writes when podman must use runc.
    static let runtimeDropIn = "containers.conf.d/50-mino-runtime.conf"

    /// crun 1.8 cannot run containers on a host with hybrid cgroups ("cgroups in hybrid mode
    /// not supported"), and podman picks crun when both are installed. There, with runc
    /// present, podman is pointed at runc with a drop-in (system-wide as root, else the user's),
    /// and setup says so. Anywhere else nothing is written.
    private static func configureRuntime(
        _ probe: HostInspection.Probe, parsed: ParsedCommand, runner: any CommandRunner, context: CommandContext
    ) throws(CommandFailure) {
        guard Self.isHybrid(),
            probe.locate("runc") != nil,
            let result = try? runner.run(
                ProcessSpec("podman", PodmanCommands.ociRuntimeName, environment: context.environment),
                timeout: .seconds(60)),
            result.outputText.trimmingCharacters(in: .whitespacesAndNewlines) == "crun"
        else { return }
        let base: String
        if probe.userID == 0 {
            base = "/etc/containers"
        } else if let config = context.environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            base = config + "/containers"
        } else {
            base = ConfigLocations.home(environment: context.environment) + "/.config/containers"
        }
        let path = base + "/" + runtimeDropIn
        try confirm(
            "Configure podman to use runc in \(path) (crun cannot run containers on this host's hybrid cgroups)?",
            parsed, context)
        let text = """
            # Written by `mino setup`: crun cannot run containers on this host's hybrid cgroup layout.
            [engine]
            runtime = "runc"

            """
        do {
            try FileManager.default.createDirectory(
                atPath: ConfigLocations.parent(of: path), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [
                    .error(
                        "setup.runtime-unwritable", "cannot write `\(path)`: \(error.localizedDescription)",
                        help: "write it by hand: `[engine]` with `runtime = \"runc\"`")
                ])
        }
        context.standardOutput.write("Configured podman to use runc: \(path)\n")
    }

    /// Whether cgroup v1 controllers are mounted beside a v2 hierarchy.
    private static func isHybrid() -> Bool {
        FileManager.default.fileExists(atPath: "/sys/fs/cgroup/unified")
    }

    static func report(_ inspection: HostInspection) -> String {
        let width = inspection.items.map(\.title.count).max() ?? 0
        return inspection.items.map { item in
            let mark = item.present ? "ok     " : item.required ? "MISSING" : "missing"
            return "  \(mark)  \(item.title.padding(width))  \(item.detail)\n"
        }.joined()
    }

    private static func confirm(_ question: String, _ parsed: ParsedCommand, _ context: CommandContext)
        throws(CommandFailure)
    {
        guard !parsed.flag(.yes) else { return }
        guard context.isInteractive else {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [
                    .error(
                        "setup.confirmation-required", "\(question) needs confirmation in a non-interactive run",
                        help: "pass -y to install without asking, or --check to only check")
                ])
        }
        guard Menu(context: context).confirm(question) else {
            throw CommandFailure(exitCode: .failure, diagnostics: [.error("setup.declined", "nothing was changed")])
        }
    }

    /// Runs a system command as root (through `sudo` when needed), attached to the terminal so
    /// that its progress and any password prompt are seen.
    private static func privileged(
        _ arguments: [String], userID: UInt32, runner: any CommandRunner, context: CommandContext,
        extra: [String: String] = [:]
    ) throws(CommandFailure) {
        let command = userID == 0 ? arguments : ["sudo", "--"] + arguments
        context.standardError.write("+ " + command.map(ShellQuoting.displayQuote).joined(separator: " ") + "\n")
        var environment = context.environment.merging(extra) { $1 }
        if environment["PATH"] == nil {
            environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        }
        let status: ProcessStatus
        do {
            status = try runner.runAttached(
                ProcessSpec(
                    command[0], Array(command.dropFirst()), environment: environment, input: .inherit,
                    output: .inherit, error: .inherit),
                forwarding: [], onSignal: { _ in })
        } catch {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [.error("setup.command-failed", "cannot run `\(command[0])`: \(error)")])
        }
        guard status == .exited(0) else {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [
                    .error(
                        "setup.command-failed",
                        "`\(command.joined(separator: " "))` failed (status \(status.shellStatus))",
                        help: "fix the problem it reports above, then run `mino setup` again")
                ])
        }
    }

    private static func install(
        _ packages: [String], manager: HostInspection.PackageManager, userID: UInt32, runner: any CommandRunner,
        context: CommandContext
    ) throws(CommandFailure) {
        switch manager {
        case .apt:
            let quiet = ["DEBIAN_FRONTEND": "noninteractive"]
            try privileged(["apt-get", "update", "-q"], userID: userID, runner: runner, context: context, extra: quiet)
            try privileged(
                ["apt-get", "install", "-y", "-q"] + packages, userID: userID, runner: runner, context: context,
                extra: quiet)
        case .dnf:
            try privileged(["dnf", "install", "-y"] + packages, userID: userID, runner: runner, context: context)
        }
    }

    private static func addSubordinateIDs(
        _ probe: HostInspection.Probe, runner: any CommandRunner, context: CommandContext
    )
        throws(CommandFailure)
    {
        let uidStart = HostInspection.freeRange(in: probe.readFile("/etc/subuid") ?? "")
        let gidStart = HostInspection.freeRange(in: probe.readFile("/etc/subgid") ?? "")
        try privileged(
            [
                "usermod", "--add-subuids", "\(uidStart)-\(uidStart + 65535)", "--add-subgids",
                "\(gidStart)-\(gidStart + 65535)", probe.userName,
            ], userID: probe.userID, runner: runner, context: context)
    }
}

extension Diagnostic {
    static func setupMissing(_ missing: [HostInspection.Item], _ inspection: HostInspection) -> Diagnostic {
        let names = missing.map(\.title).joined(separator: ", ")
        let help: String
        if let manager = inspection.packageManager {
            let packages = inspection.packages(upgrade: false)
            help =
                packages.isEmpty
                ? "run `mino setup` to fix it"
                : "run `mino setup` (it installs \(packages.joined(separator: " ")) with \(manager.rawValue))"
        } else {
            help =
                "mino installs packages on Debian, Ubuntu and Fedora; on \(inspection.distribution) install podman, "
                + "runc or crun, iptables, util-linux, and for rootless use uidmap, slirp4netns and subuid/subgid entries"
        }
        return .error("setup.missing", "missing: \(names)", help: help)
    }
}
