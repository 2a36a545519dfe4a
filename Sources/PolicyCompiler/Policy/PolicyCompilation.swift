import Diagnostics
import PolicyModel
import TOML

/// Compiles merged configuration and a run request into a `SandboxPolicy`.
///
/// Pure: everything about the host arrives in `HostFacts`, everything about the invocation in
/// `RunRequest` and the `.commandLine` layer of `config`. All errors found are reported
/// together; warnings come back beside the policy.
public enum PolicyCompilation {
    /// A compiled policy and the warnings compilation produced.
    public struct Output: Sendable {
        /// The policy.
        public var policy: SandboxPolicy
        /// Warnings, in the order found.
        public var warnings: [Diagnostic]
    }

    /// The container's process limit unless configured otherwise.
    public static let defaultPidsLimit = 4096

    /// Top-level directory names a project may not be mounted over.
    static let reservedWorkdirs: Set<String> = [
        "bin", "dev", "etc", "home", "lib", "lib64", "opt", "proc", "root", "run", "sbin", "sys", "tmp", "usr", "var",
        "cache", "workspace", "ssh-agent",
    ]

    /// Compiles. `cacheVolumes` are the caches for the lockfiles the executor found.
    public static func compile(
        _ config: EffectiveConfig, request: RunRequest, facts: HostFacts, cacheVolumes: [CacheVolume] = [],
        presets: [String: ConfigLayer] = BuiltinPresets.layers
    ) throws(DiagnosticError) -> Output {
        var errors = [Diagnostic]()
        var warnings = [Diagnostic]()

        func string(_ name: String) -> Sourced<String> {
            let setting = config.setting(name)
            if case .string(let value)? = setting?.value { return Sourced(value, setting?.origin ?? .builtin) }
            return Sourced("", .builtin)
        }
        func bool(_ name: String) -> Sourced<Bool> {
            let setting = config.setting(name)
            if case .boolean(let value)? = setting?.value { return Sourced(value, setting?.origin ?? .builtin) }
            return Sourced(false, .builtin)
        }
        func integer(_ name: String) -> Sourced<Int64> {
            let setting = config.setting(name)
            if case .integer(let value)? = setting?.value { return Sourced(value, setting?.origin ?? .builtin) }
            return Sourced(0, .builtin)
        }
        func strings(_ name: String) -> [Sourced<String>] {
            guard let setting = config.setting(name), case .strings(let values) = setting.value else { return [] }
            return values.enumerated().map { Sourced($1, setting.origin(ofElement: $0)) }
        }

        // Runtime, image, layers.
        let runtimeSetting = string("general.runtime")
        let runtime = Sourced(runtimeSetting.value == "native" ? RuntimeKind.native : .container, runtimeSetting.origin)
        let (image, layers) = ImageResolution.resolve(config)

        // Command and shell.
        if let command = request.command, command.value.isEmpty || command.value[0].isEmpty {
            errors.append(.emptyCommand(at: command.origin))
        }

        // Project and workdir.
        let projectPath = request.projectDirectory
        if let reason = unusablePathReason(projectPath.value) {
            // The working directory has no origin worth pointing at; `-p` does.
            let origin: Origin? = projectPath.origin == .builtin ? nil : projectPath.origin
            errors.append(.invalidProjectPath(projectPath.value, reason: reason, at: origin))
        }
        let workdirSetting = string("container.workdir")
        let workdir: Sourced<String>
        if workdirSetting.value != "/workspace" {
            if unusablePathReason(workdirSetting.value) != nil || workdirSetting.value == "/" {
                errors.append(.invalidWorkdir(workdirSetting.value, at: workdirSetting.origin))
            }
            workdir = workdirSetting
        } else {
            workdir = Sourced(derivedWorkdir(projectPath.value), workdirSetting.origin)
        }

        // Mounts: --volume first, then container.volumes.
        let allowed = sensitiveAllowances(config)
        var mounts = [Mount]()
        for spec in request.volumes + strings("container.volumes") {
            switch VolumeSyntax.parse(spec, home: facts.homeDirectory, allowed: allowed) {
            case .success(let mount): mounts.append(mount)
            case .failure(let error): errors += error.diagnostics
            }
        }

        // Network: mode, allowlist, enforcement and the user's [network] table.
        var network: NetworkPolicy?
        do {
            let (policy, found) = try NetworkResolution.policy(config, presets: presets)
            network = policy
            warnings += found
        } catch {
            errors += error.diagnostics
        }

        // Credentials.
        let sshAgent = request.sshAgent ?? Sourced(true, .builtin)
        func options(_ prefix: String, _ names: [String]) -> [String: Sourced<String>] {
            var result = [String: Sourced<String>]()
            for name in names {
                guard let setting = config.setting("\(prefix).\(name)") else { continue }
                switch setting.value {
                case .string(let text): result[name] = Sourced(text, setting.origin)
                case .integer(let number): result[name] = Sourced(String(number), setting.origin)
                default: continue
                }
            }
            return result
        }
        let credentials = CredentialRequest(
            aws: bool("credentials.aws.enabled"),
            awsOptions: options(
                "credentials.aws",
                ["role_arn", "external_id", "profile", "region", "session_policy", "session_duration_secs"]),
            gcp: bool("credentials.gcp.enabled"),
            gcpOptions: options("credentials.gcp", ["project", "service_account"]),
            azure: bool("credentials.azure.enabled"),
            azureOptions: options("credentials.azure", ["subscription", "tenant"]),
            github: bool("credentials.github.enabled"), githubHost: string("credentials.github.host"),
            sshAgent: sshAgent, strict: request.strictCredentials)

        // Caches.
        let cachesEnabled = bool("cache.enabled")
        let caches = CachePolicy(
            enabled: cachesEnabled, fresh: request.cacheFresh, volumes: cachesEnabled.value ? cacheVolumes : [])

        // Environment.
        let environment = EnvironmentAssembly.assemble(
            config: config, credentials: credentials, caches: caches, sshSocketPresent: facts.sshAuthSocket != nil)

        // Session.
        if let name = request.sessionName, !SessionName.isValid(name.value) {
            errors.append(.invalidSessionName(name.value, at: name.origin))
        }

        if !errors.isEmpty { throw DiagnosticError(errors) }
        let policy = SandboxPolicy(
            runtime: runtime, image: image, layers: layers, command: request.command, shell: string("session.shell"),
            project: ProjectMount(hostPath: projectPath, workdir: workdir), mounts: mounts, environment: environment,
            network: network
                ?? NetworkPolicy(
                    mode: Sourced(.bridge, .builtin), rules: [], preset: nil, enforcement: Sourced(.netns, .builtin)),
            readOnlyRoot: bool("container.read_only"),
            limits: ResourceLimits(
                pids: Sourced(defaultPidsLimit, .builtin), maxMemoryMB: integer("sandbox.max_memory_mb"),
                maxProcesses: integer("sandbox.max_processes"), maxCPUSeconds: integer("sandbox.max_cpu_seconds"),
                maxFileSizeMB: integer("sandbox.max_file_size_mb"), memoryMB: integer("container.memory_mb")),
            credentials: credentials, caches: caches, homeVolume: bool("home.enabled"),
            session: SessionSettings(
                name: request.sessionName, detach: request.detach,
                autoCleanupHours: integer("session.auto_cleanup_hours")),
            auditLog: bool("general.audit_log"),
            native: NativeSettings(
                sandboxUser: string("sandbox.sandbox_user"), passthroughPaths: strings("sandbox.passthrough_paths"),
                writablePaths: strings("sandbox.writable_paths"),
                environmentPassthrough: strings("sandbox.env_passthrough")),
            capabilities: Sourced([], .builtin), identity: IdentityPolicy(allowRoot: bool("general.allow_root")))
        return Output(policy: policy, warnings: warnings)
    }

    /// Why a host path cannot be mounted with `-v`, or `nil` when it can.
    static func unusablePathReason(_ path: String) -> String? {
        if !path.hasPrefix("/") { return "is not absolute" }
        if path.contains(":") || path.contains(",") { return "contains `:` or `,`" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "contains control characters"
        }
        return nil
    }

    /// `/<project directory name>`, or `/workspace` when the name is unusual or reserved.
    static func derivedWorkdir(_ project: String) -> String {
        guard let name = project.split(separator: "/").last.map(String.init), !name.isEmpty,
            !reservedWorkdirs.contains(name), name.first != "-", name.first != ".",
            name.utf8.allSatisfy({ byte in
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
                    || byte == 45 || byte == 46
            })
        else { return "/workspace" }
        return "/" + name
    }

    /// Sensitive paths the user's own global config allows to be mounted (`*` for all).
    /// Deliberately read from the global layer only: a project file can never unlock them.
    static func sensitiveAllowances(_ config: EffectiveConfig) -> Set<String> {
        var allowed = Set<String>()
        for layer in config.layers where layer.kind == .global {
            if case .boolean(true)? = layer["sandbox.allow_sensitive"]?.value { allowed.insert("*") }
            if case .strings(let paths)? = layer["sandbox.allow_sensitive_paths"]?.value {
                allowed.formUnion(paths)
            }
        }
        return allowed
    }
}
