import Diagnostics
import PolicyModel

/// Compiles the native helper's `spawn` request. The helper runs as root through a NOPASSWD
/// sudoers rule, so every field is checked here as well as in the helper (the reference's
/// helper accepted `root`, any home directory and any ACL path):
///
/// - `session_id` is a valid session name; `home_dir` is always `/tmp/mino-home-<id>`;
/// - `sandbox_user` is the policy's, a valid user name, never `root`, never the invoking user;
/// - `acl_paths` are the project (read-write), passthrough paths (read-only) and writable paths
///   (read-write), in that order: absolute, no `..`, never equal to, inside or containing a
///   credentials directory (`~/.ssh`, `~/.aws`, …, which also rules out `/` and the home
///   itself), and read-write paths only inside the invoking user's home;
/// - limits are in bytes (MiB × 1024²), negative values refused.
public enum HelperRequestBackend {
    /// The home directory of a session's sandbox user: `/tmp/mino-home-<session id>`.
    public static func homeDirectory(forSession sessionID: String) -> String { "/tmp/mino-home-\(sessionID)" }

    /// The `spawn` request of session `sessionID`: `dotfileDirectory` is the staging directory
    /// of copied dotfiles, if the executor made one; `environment` says whether real values are
    /// included (executor) or redacted (plan).
    ///
    /// - Throws: `DiagnosticError` with every problem found.
    public static func spawnRequest(
        for policy: SandboxPolicy, facts: HostFacts, sessionID: String, dotfileDirectory: String?,
        environment: HelperEnvironment
    ) throws(DiagnosticError) -> HelperRequest {
        var collector = DiagnosticCollector()
        collector.add(Validation.sessionName(sessionID, origin: policy.session.name?.origin))
        collector.add(Validation.sandboxUser(policy.native.sandboxUser, facts: facts))
        let command = PodmanBackend.agentCommand(policy)
        collector.add(contentsOf: Validation.commandArguments(command.arguments, origin: command.origin))
        if let dotfileDirectory {
            collector.add(Validation.absolutePath(dotfileDirectory, role: "dotfile directory", origin: nil))
        }
        let project = policy.project.hostPath
        var acl = [(path: Sourced<String>, writable: Bool)]()
        acl.append((project, true))
        acl += policy.native.passthroughPaths.map { ($0, false) }
        acl += policy.native.writablePaths.map { ($0, true) }
        for entry in acl { collector.add(contentsOf: aclProblems(entry.path, writable: entry.writable, facts: facts)) }
        let limits = byteLimits(policy.limits, into: &collector)
        let variables = environmentEntries(policy, into: &collector)
        try collector.throwIfAny()

        var env = [String: JSONValue]()
        for (name, variable) in variables {
            switch environment {
            case .redacted:
                env[name] = .string(variable.displayValue)
            case .included(let values):
                if case .literal(let text) = variable.value {
                    env[name] = .string(text)
                } else if let value = values[name] {
                    env[name] = .string(value)
                }
            }
        }
        let home = homeDirectory(forSession: sessionID)
        let json = JSONValue.object([
            "action": .string("Spawn"),
            "session_id": .string(sessionID),
            "project_dir": .string(project.value),
            "env": .object(env),
            "command": .array(command.arguments.map(JSONValue.string)),
            "resource_limits": .object(limits.mapValues { .integer($0.value) }),
            "acl_paths": .array(
                acl.map { .object(["path": .string($0.path.value), "writable": .bool($0.writable)]) }),
            "dotfile_dir": dotfileDirectory.map(JSONValue.string) ?? .null,
            "home_dir": .string(home),
            "sandbox_user": .string(policy.native.sandboxUser.value),
        ])
        var origins = LineOrigins()
        origins.topLevel = [
            "project_dir": project.origin, "sandbox_user": policy.native.sandboxUser.origin, "command": command.origin,
            "session_id": policy.session.name?.origin,
        ]
        origins.limits = limits.mapValues(\.origin)
        origins.environment = variables.mapValues(\.origin)
        for entry in acl.reversed() { origins.paths[jsonString(entry.path.value)] = entry.path.origin }
        let text = json.rendered(pretty: true)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return HelperRequest(
            json: json, sessionID: sessionID, homeDirectory: home, lines: origins.annotate(lines),
            enforcement: enforcement(policy, facts: facts, acl: acl.map(\.writable), limits: limits))
    }

    private static func aclProblems(_ path: Sourced<String>, writable: Bool, facts: HostFacts) -> [Diagnostic] {
        let role = writable ? "writable path" : "read-only path"
        if let problem = Validation.absolutePath(path.value, role: role, origin: path.origin) { return [problem] }
        if let sensitive = SensitivePaths.exposed(by: path.value, home: facts.homeDirectory) {
            return [.backendSensitivePath(path.value, sensitive: sensitive, at: path.origin)]
        }
        if writable, !SensitivePaths.isInside(path.value, facts.homeDirectory) {
            return [
                .backendInvalidPath(
                    path.value, role: role, reason: "is outside your home directory `\(facts.homeDirectory)`",
                    at: path.origin)
            ]
        }
        return []
    }

    private static func byteLimits(
        _ limits: ResourceLimits, into collector: inout DiagnosticCollector
    ) -> [String: Sourced<Int64>] {
        let mebibyte: Int64 = 1_048_576
        var result = [String: Sourced<Int64>]()
        let entries: [(key: String, name: String, value: Sourced<Int64>, scale: Int64)] = [
            ("max_memory_bytes", "limits.max_memory_mb", limits.maxMemoryMB, mebibyte),
            ("max_processes", "limits.max_processes", limits.maxProcesses, 1),
            ("max_cpu_seconds", "limits.max_cpu_seconds", limits.maxCPUSeconds, 1),
            ("max_file_size_bytes", "limits.max_file_size_mb", limits.maxFileSizeMB, mebibyte),
        ]
        for entry in entries {
            let (scaled, overflow) = entry.value.value.multipliedReportingOverflow(by: entry.scale)
            if entry.value.value < 0 || overflow {
                collector.add(.backendInvalidLimit(entry.name, value: entry.value.value, at: entry.value.origin))
            } else {
                result[entry.key] = Sourced(scaled, entry.value.origin)
            }
        }
        return result
    }

    /// The policy's variables, plus the passthrough names as host variables (the policy wins).
    private static func environmentEntries(
        _ policy: SandboxPolicy, into collector: inout DiagnosticCollector
    ) -> [String: EnvironmentVariable] {
        var entries = [String: EnvironmentVariable]()
        for name in policy.native.environmentPassthrough {
            entries[name.value] = EnvironmentVariable(
                name: name.value, value: .host(variable: name.value), isSecret: false, origin: name.origin)
        }
        for variable in policy.environment { entries[variable.name] = variable }
        for name in entries.keys.sorted() {
            let origin = entries[name]?.origin
            collector.add(Validation.environmentName(name, origin: origin))
            if case .literal(let value) = entries[name]?.value, value.utf8.contains(0) {
                collector.add(.backendInvalidEnvironmentValue(name, at: origin))
            }
        }
        return entries
    }

    private static func enforcement(
        _ policy: SandboxPolicy, facts: HostFacts, acl: [Bool], limits: [String: Sourced<Int64>]
    ) -> [EnforcementReport] {
        let user = policy.native.sandboxUser.value
        let writable = acl.filter { $0 }.count
        var reports = [
            EnforcementReport("identity", .kernel, "the command runs as \(user), never as root or as you"),
            EnforcementReport(
                "filesystem.acl", .kernel,
                "ACLs grant \(writable) path(s) read-write and \(acl.count - writable) read-only; "
                    + "credentials directories are refused"),
        ]
        if (limits["max_memory_bytes"]?.value ?? 0) > 0 {
            reports.append(
                facts.platform == .macOS
                    ? EnforcementReport("limits.memory", .unsupported, "macOS has no RLIMIT_AS: memory is not limited")
                    : EnforcementReport("limits.memory", .kernel, "RLIMIT_AS"))
        }
        for (key, element, resource) in [
            ("max_processes", "limits.processes", "RLIMIT_NPROC"), ("max_cpu_seconds", "limits.cpu", "RLIMIT_CPU"),
            ("max_file_size_bytes", "limits.file-size", "RLIMIT_FSIZE"),
        ] where (limits[key]?.value ?? 0) > 0 {
            reports.append(EnforcementReport(element, .kernel, resource))
        }
        return reports
    }

    private static func jsonString(_ value: String) -> String {
        var output = ""
        JSONValue.writeString(value, to: &output)
        return output
    }

    /// Assigns origins to the lines of the pretty-printed request by the key they belong to.
    private struct LineOrigins {
        var topLevel = [String: Origin?]()
        var limits = [String: Origin]()
        var environment = [String: Origin]()
        var paths = [String: Origin]()

        func annotate(_ lines: [String]) -> [ArtifactLine] {
            var section: String?
            return lines.map { text in
                let indent = text.prefix { $0 == " " }.count
                let key = Self.key(of: text)
                if indent == 2, let key { section = key }
                let origin: Origin?
                switch section {
                case "resource_limits": origin = key.flatMap { limits[$0] }
                case "env": origin = indent == 4 ? key.flatMap { environment[$0] } : nil
                case "acl_paths":
                    let prefix = "\"path\": "
                    var trimmed = text.drop { $0 == " " }
                    if trimmed.hasSuffix(",") { trimmed = trimmed.dropLast() }
                    origin = trimmed.hasPrefix(prefix) ? paths[String(trimmed.dropFirst(prefix.count))] : nil
                default: origin = section.flatMap { topLevel[$0] } ?? nil
                }
                return ArtifactLine(text, origin: origin)
            }
        }

        /// The key of a `"key": value` line; keys here are plain ASCII names.
        private static func key(of line: String) -> String? {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.first == "\"", let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
            let key = trimmed[trimmed.index(after: trimmed.startIndex)..<end]
            return trimmed[end...].hasPrefix("\": ") ? String(key) : nil
        }
    }
}
