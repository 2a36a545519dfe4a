/// The resolved sandbox policy: every source merged, validated and trust-gated, with no string
/// left to parse. Backends compile it into artifacts; `mino plan` prints it.
///
/// Equality ignores origins (see `Sourced`).
import Diagnostics

public struct SandboxPolicy: Hashable, Sendable {
    /// Container (podman) or native (user namespaces / macOS helper).
    public var runtime: Sourced<RuntimeKind>
    /// The image reference to run (aliases already resolved).
    public var image: Sourced<String>
    /// Language layers composed onto the image, in order.
    public var layers: [Sourced<String>]
    /// The agent command; `nil` opens `shell` interactively.
    public var command: Sourced<[String]>?
    /// The shell for interactive sessions.
    public var shell: Sourced<String>
    /// The project directory and where it appears in the sandbox.
    public var project: ProjectMount
    /// Further mounts the policy names (volumes, the SSH agent socket), in order.
    public var mounts: [Mount]
    /// Environment variables, sorted by name, each at most once.
    public var environment: [EnvironmentVariable]
    /// Network mode, allowlist rules and how they are enforced.
    public var network: NetworkPolicy
    /// Whether the container's root filesystem is read-only.
    public var readOnlyRoot: Sourced<Bool>
    /// Process and resource limits.
    public var limits: ResourceLimits
    /// Credentials the session asks for.
    public var credentials: CredentialRequest
    /// Dependency caches.
    public var caches: CachePolicy
    /// Whether the project's persistent home volume is mounted.
    public var homeVolume: Sourced<Bool>
    /// Session settings.
    public var session: SessionSettings
    /// Whether session events go to the audit log.
    public var auditLog: Sourced<Bool>
    /// Settings used only by the native runtime.
    public var native: NativeSettings
    /// Linux capabilities the agent keeps: none. No setting adds any; backends drop `ALL` and
    /// add back only what an enforcement mechanism needs, dropping it again before the agent
    /// runs.
    public var capabilities: Sourced<[String]>
    /// Who the agent runs as.
    public var identity: IdentityPolicy

    /// Creates a policy from all of its parts.
    public init(
        runtime: Sourced<RuntimeKind>, image: Sourced<String>, layers: [Sourced<String>], command: Sourced<[String]>?,
        shell: Sourced<String>, project: ProjectMount, mounts: [Mount], environment: [EnvironmentVariable],
        network: NetworkPolicy, readOnlyRoot: Sourced<Bool>, limits: ResourceLimits, credentials: CredentialRequest,
        caches: CachePolicy, homeVolume: Sourced<Bool>, session: SessionSettings, auditLog: Sourced<Bool>,
        native: NativeSettings, capabilities: Sourced<[String]> = Sourced([], .builtin),
        identity: IdentityPolicy = IdentityPolicy(allowRoot: Sourced(false, .builtin))
    ) {
        self.runtime = runtime
        self.image = image
        self.layers = layers
        self.command = command
        self.shell = shell
        self.project = project
        self.mounts = mounts
        self.environment = environment
        self.network = network
        self.readOnlyRoot = readOnlyRoot
        self.limits = limits
        self.credentials = credentials
        self.caches = caches
        self.homeVolume = homeVolume
        self.session = session
        self.auditLog = auditLog
        self.native = native
        self.capabilities = capabilities
        self.identity = identity
    }
}

/// Who the agent runs as: always the invoking user (rootless podman maps it with keep-id,
/// rootful podman runs the container as its uid/gid). Running mino itself as root — which
/// makes the agent root — is refused unless `allowRoot`.
public struct IdentityPolicy: Hashable, Sendable {
    /// `general.allow_root` / `--allow-root`.
    public var allowRoot: Sourced<Bool>

    /// Creates an identity policy.
    public init(allowRoot: Sourced<Bool>) {
        self.allowRoot = allowRoot
    }
}

/// The kind of sandbox.
public enum RuntimeKind: String, Hashable, Sendable, CaseIterable {
    /// A podman container.
    case container
    /// A native sandbox (user namespaces on Linux, a dedicated user on macOS).
    case native
}

/// The project directory: mounted read-write, never with setuid or device files honoured.
public struct ProjectMount: Hashable, Sendable {
    /// The absolute host path.
    public var hostPath: Sourced<String>
    /// The absolute path inside the sandbox (the working directory).
    public var workdir: Sourced<String>

    /// Creates a project mount.
    public init(hostPath: Sourced<String>, workdir: Sourced<String>) {
        self.hostPath = hostPath
        self.workdir = workdir
    }

    /// Mount options: always `nosuid` and `nodev`.
    public static let options = ["nosuid", "nodev"]
}

/// A mount the policy names besides the project.
public struct Mount: Hashable, Sendable {
    /// What is mounted.
    public enum Source: Hashable, Sendable {
        /// An absolute host path.
        case hostPath(String)
        /// A named podman volume.
        case volume(String)
    }

    /// What is mounted.
    public var source: Source
    /// The absolute path inside the sandbox.
    public var target: String
    /// Mount options (`ro`, `nosuid`, `nodev`, `noexec`, `z`, `Z`, …), validated.
    public var options: [String]
    /// Where the mount was asked for.
    public var origin: Origin

    /// Creates a mount.
    public init(source: Source, target: String, options: [String], origin: Origin) {
        self.source = source
        self.target = target
        self.options = options
        self.origin = origin
    }

    /// Whether the mount is read-only.
    public var isReadOnly: Bool { options.contains("ro") }

    public static func == (lhs: Mount, rhs: Mount) -> Bool {
        lhs.source == rhs.source && lhs.target == rhs.target && lhs.options == rhs.options
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(target)
        hasher.combine(options)
    }
}

/// One environment variable of the sandbox.
///
/// INVARIANT: values never travel in a process's argv; backends pass `-e NAME` and put the
/// value in the environment of the podman process. `isSecret` values are printed as
/// `<redacted>` everywhere.
public struct EnvironmentVariable: Hashable, Sendable {
    /// Where the value comes from.
    public enum Value: Hashable, Sendable {
        /// A value written in the policy or on the command line.
        case literal(String)
        /// Supplied at run time by a credential provider (`aws`, `gcp`, `azure`, `github`).
        case credential(provider: String)
        /// Copied from the host's environment at run time, if set there.
        case host(variable: String)
    }

    /// The variable name (validated: `[A-Za-z_][A-Za-z0-9_]*`).
    public var name: String
    /// The value or where it comes from.
    public var value: Value
    /// Whether the value must never be printed.
    public var isSecret: Bool
    /// Where it was set.
    public var origin: Origin

    /// Creates a variable.
    public init(name: String, value: Value, isSecret: Bool, origin: Origin) {
        self.name = name
        self.value = value
        self.isSecret = isSecret
        self.origin = origin
    }

    /// Whether a variable name suggests a secret value (`TOKEN`, `SECRET`, `KEY`, `PASSWORD`,
    /// …); such values are never printed, wherever they were written.
    public static func looksSecret(name: String) -> Bool { SecretNames.looksSecret(name) }

    /// The value as printed: `<redacted>` for secrets and credentials, `<from host $X>` for host
    /// values, the literal otherwise.
    public var displayValue: String {
        if isSecret { return "<redacted>" }
        switch value {
        case .literal(let text): return text
        case .credential: return "<redacted>"
        case .host(let variable): return "<from host $\(variable)>"
        }
    }

    /// `displayValue` on one line: a value holding control characters (a newline) is shown
    /// in `$'…'` form, so a printed plan row never spans lines.
    public var oneLineDisplayValue: String {
        let value = displayValue
        let hasControl = value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        return hasControl ? ShellQuoting.displayQuote(value) : value
    }

    public static func == (lhs: EnvironmentVariable, rhs: EnvironmentVariable) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.isSecret == rhs.isSecret
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// Network mode, allowlist and enforcement.
public struct NetworkPolicy: Hashable, Sendable {
    /// How the sandbox reaches the network.
    public enum Mode: String, Hashable, Sendable {
        /// NAT through podman's bridge; the host's localhost is unreachable.
        case bridge
        /// The host's network namespace (explicit opt-in only).
        case host
        /// Loopback only.
        case none
        /// Bridge with a default-deny fence that accepts only `rules`.
        case allowlist
    }

    /// How an allowlist is applied to a container.
    public enum Enforcement: String, Hashable, Sendable {
        /// Loaded into the container's network namespace from the host before it starts.
        case netns
        /// Applied inside the container by an iptables + capsh wrapper.
        case wrapper
    }

    /// The mode.
    public var mode: Sourced<Mode>
    /// The allowlist rules (empty unless `mode` is `.allowlist`), in order, without duplicates.
    public var rules: [NetworkRule]
    /// The preset the rules came from, if any.
    public var preset: Sourced<String>?
    /// How the allowlist is enforced.
    public var enforcement: Sourced<Enforcement>
    /// Address blocks an allowed *name* may resolve into although the rebinding guard refuses
    /// them otherwise (`network.allow_private`, the user's own config only). They reopen private
    /// ranges only, never loopback, link-local, metadata or the host's own addresses.
    public var allowPrivate: [Sourced<IPNetwork>]
    /// The upstream resolvers the session's resolver forwards allowed names to
    /// (`network.dns_servers`); empty means the host's own resolvers.
    public var dnsServers: [Sourced<ResolverEndpoint>]
    /// Record types the session's resolver forwards for allowed names besides A, AAAA and CNAME
    /// (`network.dns_types`), as upper-case mnemonics (`TXT`, `SRV`), each at most once.
    public var dnsTypes: [Sourced<String>]
    /// The shortest time a pinned answer stays open, in seconds, whatever its TTL
    /// (`network.pin_seconds`, 1–86400).
    public var pinSeconds: Sourced<Int>
    /// Seconds a pinned answer stays open past max(TTL, `pinSeconds`), so a connection opened
    /// just before expiry still completes (`network.pin_grace_seconds`, 0–3600).
    public var pinGraceSeconds: Sourced<Int>

    /// `pinSeconds` unless configured.
    public static let defaultPinSeconds = 60
    /// `pinGraceSeconds` unless configured.
    public static let defaultPinGraceSeconds = 10

    /// Creates a network policy; the resolver settings default to the built-in ones.
    public init(
        mode: Sourced<Mode>, rules: [NetworkRule], preset: Sourced<String>?, enforcement: Sourced<Enforcement>,
        allowPrivate: [Sourced<IPNetwork>] = [], dnsServers: [Sourced<ResolverEndpoint>] = [],
        dnsTypes: [Sourced<String>] = [], pinSeconds: Sourced<Int> = Sourced(defaultPinSeconds, .builtin),
        pinGraceSeconds: Sourced<Int> = Sourced(defaultPinGraceSeconds, .builtin)
    ) {
        self.mode = mode
        self.rules = rules
        self.preset = preset
        self.enforcement = enforcement
        self.allowPrivate = allowPrivate
        self.dnsServers = dnsServers
        self.dnsTypes = dnsTypes
        self.pinSeconds = pinSeconds
        self.pinGraceSeconds = pinGraceSeconds
    }
}

/// Limits on processes and resources.
public struct ResourceLimits: Hashable, Sendable {
    /// The container's process limit (`--pids-limit`).
    public var pids: Sourced<Int>
    /// The container's memory limit in MiB (`--memory`, swap included); 0: a share of the
    /// host's memory (`PodmanBackend.memoryLimitMB`).
    public var memoryMB: Sourced<Int64>
    /// Native sandbox: memory in MiB (0 = none).
    public var maxMemoryMB: Sourced<Int64>
    /// Native sandbox: processes.
    public var maxProcesses: Sourced<Int64>
    /// Native sandbox: CPU seconds (0 = none).
    public var maxCPUSeconds: Sourced<Int64>
    /// Native sandbox: file size in MiB (0 = none).
    public var maxFileSizeMB: Sourced<Int64>

    /// Creates limits.
    public init(
        pids: Sourced<Int>, maxMemoryMB: Sourced<Int64>, maxProcesses: Sourced<Int64>,
        maxCPUSeconds: Sourced<Int64>, maxFileSizeMB: Sourced<Int64>, memoryMB: Sourced<Int64> = Sourced(0, .builtin)
    ) {
        self.pids = pids
        self.memoryMB = memoryMB
        self.maxMemoryMB = maxMemoryMB
        self.maxProcesses = maxProcesses
        self.maxCPUSeconds = maxCPUSeconds
        self.maxFileSizeMB = maxFileSizeMB
    }
}

/// Which credentials the session asks for; values are fetched at run time, never stored here.
public struct CredentialRequest: Hashable, Sendable {
    /// AWS STS credentials and their options (`role_arn`, `profile`, … as written).
    public var aws: Sourced<Bool>
    /// AWS options by key (`role_arn`, `external_id`, `profile`, `region`, `session_policy`,
    /// `session_duration_secs`).
    public var awsOptions: [String: Sourced<String>]
    /// A GCP access token.
    public var gcp: Sourced<Bool>
    /// GCP options (`project`, `service_account`).
    public var gcpOptions: [String: Sourced<String>]
    /// An Azure access token.
    public var azure: Sourced<Bool>
    /// Azure options (`subscription`, `tenant`).
    public var azureOptions: [String: Sourced<String>]
    /// The GitHub token.
    public var github: Sourced<Bool>
    /// The GitHub host.
    public var githubHost: Sourced<String>
    /// Forward the host's SSH agent socket.
    public var sshAgent: Sourced<Bool>
    /// Fail the run when a requested provider fails.
    public var strict: Sourced<Bool>

    /// Creates a credential request.
    public init(
        aws: Sourced<Bool>, awsOptions: [String: Sourced<String>], gcp: Sourced<Bool>,
        gcpOptions: [String: Sourced<String>], azure: Sourced<Bool>, azureOptions: [String: Sourced<String>],
        github: Sourced<Bool>, githubHost: Sourced<String>, sshAgent: Sourced<Bool>, strict: Sourced<Bool>
    ) {
        self.aws = aws
        self.awsOptions = awsOptions
        self.gcp = gcp
        self.gcpOptions = gcpOptions
        self.azure = azure
        self.azureOptions = azureOptions
        self.github = github
        self.githubHost = githubHost
        self.sshAgent = sshAgent
        self.strict = strict
    }
}

/// Dependency caches.
public struct CachePolicy: Hashable, Sendable {
    /// Whether caches are used at all.
    public var enabled: Sourced<Bool>
    /// Start from empty caches this run.
    public var fresh: Sourced<Bool>
    /// The cache volumes for the lockfiles found in the project, by ecosystem.
    public var volumes: [CacheVolume]

    /// Creates a cache policy.
    public init(enabled: Sourced<Bool>, fresh: Sourced<Bool>, volumes: [CacheVolume]) {
        self.enabled = enabled
        self.fresh = fresh
        self.volumes = volumes
    }
}

/// One content-addressed cache volume, mounted at `/cache/<ecosystem>`.
public struct CacheVolume: Hashable, Sendable {
    /// `npm`, `cargo`, `pip`, …
    public var ecosystem: String
    /// `mino-cache-<ecosystem>-<first 12 hex of the lockfile's SHA-256>`.
    public var volumeName: String
    /// Environment variables pointing the ecosystem's tools at the cache, sorted by name.
    public var environment: [String: String]
    /// The lockfile the key comes from (`Cargo.lock`), when known.
    public var lockfile: String?
    /// The real path of the project the volume is bound to, or `nil` when it is shared between
    /// projects (the user's global config sets `cache.shared`).
    public var project: String?

    /// Creates a cache volume.
    public init(
        ecosystem: String, volumeName: String, environment: [String: String], lockfile: String? = nil,
        project: String? = nil
    ) {
        self.ecosystem = ecosystem
        self.volumeName = volumeName
        self.environment = environment
        self.lockfile = lockfile
        self.project = project
    }

    /// Where the volume is mounted.
    public var target: String { "/cache/\(ecosystem)" }

    /// The content key: what follows `mino-cache-<ecosystem>-` in the volume name, without the
    /// project part of a project-bound volume.
    public var key: String {
        let prefix = "mino-cache-\(ecosystem)-"
        guard volumeName.hasPrefix(prefix) else { return "" }
        let rest = volumeName.dropFirst(prefix.count)
        guard project != nil, let dash = rest.lastIndex(of: "-") else { return String(rest) }
        return String(rest[..<dash])
    }
}

/// Session settings.
public struct SessionSettings: Hashable, Sendable {
    /// The session name, if given (`-n`); otherwise generated at run time.
    public var name: Sourced<String>?
    /// Run in the background.
    public var detach: Sourced<Bool>
    /// Forget stopped sessions after this many hours (0 = never).
    public var autoCleanupHours: Sourced<Int64>

    /// Creates session settings.
    public init(name: Sourced<String>?, detach: Sourced<Bool>, autoCleanupHours: Sourced<Int64>) {
        self.name = name
        self.detach = detach
        self.autoCleanupHours = autoCleanupHours
    }
}

/// Settings of the native runtime (`[sandbox]`).
public struct NativeSettings: Hashable, Sendable {
    /// The dedicated user the macOS native sandbox runs as.
    public var sandboxUser: Sourced<String>
    /// Host paths readable in the sandbox.
    public var passthroughPaths: [Sourced<String>]
    /// Host paths writable in the sandbox.
    public var writablePaths: [Sourced<String>]
    /// Host variables passed through.
    public var environmentPassthrough: [Sourced<String>]

    /// Creates native settings.
    public init(
        sandboxUser: Sourced<String>, passthroughPaths: [Sourced<String>], writablePaths: [Sourced<String>],
        environmentPassthrough: [Sourced<String>]
    ) {
        self.sandboxUser = sandboxUser
        self.passthroughPaths = passthroughPaths
        self.writablePaths = writablePaths
        self.environmentPassthrough = environmentPassthrough
    }
}
