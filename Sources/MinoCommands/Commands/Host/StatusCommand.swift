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

/// `mino status` (also `mino doctor`) `[--format text|json]`: podman and how it runs here, the
/// host pieces `mino setup` checks, what this host enforces (level per mechanism), the config
/// files in effect and the active sessions. Exits 1 when podman is unusable or a required piece
/// is missing, so scripts can gate on it.
enum StatusCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "status",
        aliases: ["doctor"],
        abstract: "Check that this host can run sandboxes",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .format, kind: .option(valueName: "format"), help: "Output format", defaultValue: "text",
                        allowedValues: ["text", "json"])
                ])
        ])

    private static func gather(_ context: CommandContext) -> Result<
        (PodmanClient.Info, HostFacts, [SessionRecord]), CommandFailure
    > {
        Result { () throws(CommandFailure) in
            let executor = try Executor(context: context)
            let info = try CommandFailure.mapping { () throws(ExecutorFailure) in try executor.podman.info() }
            return (info, HostFactsProbe.probe(context: context), executor.store.all().filter(\.isActive))
        }
    }

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let probe = HostInspection.Probe.system(environment: context.environment)
        let inspection = HostInspection.inspect(probe)
        let locations = ConfigLocations(parsed: parsed, context: context)
        let global = locations.globalConfigPath
        let project = locations.discoverProjectConfig(from: context.currentDirectory)
        var podman: PodmanClient.Info?
        var podmanProblem: String?
        var facts: HostFacts?
        var sessions = [SessionRecord]()
        switch gather(context) {
        case .success(let gathered): (podman, facts, sessions) = gathered
        case .failure(let failure): podmanProblem = failure.diagnostics.first?.message ?? "podman is not usable"
        }
        let reports = facts.map(HostEnforcement.reports) ?? []
        let healthy = podman != nil && inspection.missingRequired.isEmpty
        if parsed.string(.format) == "json" {
            let document = JSONValue.object([
                "healthy": .bool(healthy),
                "podman": podman.map { info in
                    JSONValue.object([
                        "version": .string(info.version), "rootless": .bool(info.rootless),
                        "cgroup_version": .integer(Int64(info.cgroupVersion)),
                        "network_backend": .string(info.networkBackend),
                    ])
                } ?? .null,
                "podman_problem": podmanProblem.map { .string($0) } ?? .null,
                "host": .object([
                    "distribution": .string(inspection.distribution),
                    "components": .array(
                        inspection.items.map {
                            .object([
                                "id": .string($0.id), "present": .bool($0.present), "required": .bool($0.required),
                                "detail": .string($0.detail),
                            ])
                        }),
                ]),
                "enforcement": .array(
                    reports.map {
                        .object([
                            "element": .string($0.element), "level": .string($0.level.rawValue),
                            "note": .string($0.note),
                        ])
                    }),
                "config_files": .object([
                    "global": .string(global), "global_exists": .bool(ConfigFileReader.isPresent(global)),
                    "project": project.map { .string($0) } ?? .null,
                ]),
                "sessions": .array(sessions.map { .string($0.name) }),
            ])
            context.standardOutput.write(document.rendered(pretty: true) + "\n")
            return healthy ? .success : .failure
        }
        var out = ""
        if let podman {
            out +=
                "podman \(podman.version), \(podman.rootless ? "rootless" : "rootful"), cgroup v\(podman.cgroupVersion), "
            out += "network backend \(podman.networkBackend)\n"
        } else {
            out += "podman: not usable (\(podmanProblem ?? "unknown problem")); run `mino setup`\n"
        }
        out += "\nHost (\(inspection.distribution)):\n" + SetupCommand.report(inspection)
        if !reports.isEmpty { out += "\nWhat this host enforces:\n" + HostEnforcement.render(reports) }
        out += "\nConfig files:\n"
        out += "  global   \(locations.display(global))\(ConfigFileReader.isPresent(global) ? "" : " (not present)")\n"
        out += "  project  \(project.map(locations.display) ?? "none found from here")\n"
        out += "\nSessions: \(sessions.isEmpty ? "none active" : sessions.map(\.name).joined(separator: ", "))\n"
        if !healthy { out += "\nSomething is missing: run `mino setup`.\n" }
        context.standardOutput.write(out)
        return healthy ? .success : .failure
    }
}
