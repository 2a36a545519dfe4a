/// Every key mino's configuration accepts, its type, default and trust class: the one schema
/// shared by the config files, `mino config set`, `mino policy explain` and completions.
///
/// Adding a key never bumps `currentVersion`; only a change in meaning of an existing key does.
import Diagnostics
import PolicyModel
import TOML

public enum ConfigSchema {
    /// The highest `version` this build understands.
    public static let currentVersion: Int64 = 1

    /// The network presets that exist (see `policies/`).
    public static let networkPresets = ["dev", "registries"]

    /// The environment variables passed into native sandboxes unless configured otherwise.
    public static let defaultEnvPassthrough = ["ANTHROPIC_API_KEY", "LANG", "LC_ALL", "TZ", "TERM"]

    private static let u32: ClosedRange<Int64> = 0...Int64(UInt32.max)
    private static let u64: ClosedRange<Int64> = 0...Int64.max

    /// All keys, grouped by section in documentation order.
    public static let keys: [ConfigKey] = [
        // [general]
        ConfigKey(
            "general.verbose", .boolean, default: .boolean(false), trust: .harmless,
            "log informational messages by default"),
        ConfigKey(
            "general.log_format", .choice(["text", "json"]), default: .string("text"), trust: .harmless,
            "format of log lines"),
        ConfigKey(
            "general.audit_log", .boolean, default: .boolean(true), trust: .strictWhen(.boolean(true)),
            "write the audit log of sessions"),
        ConfigKey(
            "general.update_check", .boolean, default: .boolean(true), trust: .harmless,
            "check for new releases in the background"),
        ConfigKey(
            "general.runtime", .choice(["container", "native", "auto"]), default: .string("container"),
            trust: .strictWhen(.string("container")), "sandbox runtime: container, native or auto"),
        ConfigKey(
            "general.allow_root", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(false)),
            "allow running mino as root"),
        // [vm]
        ConfigKey("vm.name", .string, default: .string("mino"), trust: .widening, "OrbStack VM name (macOS)"),
        ConfigKey(
            "vm.distro", .string, default: .string("fedora"), trust: .widening, "OrbStack VM distribution (macOS)"),
        // [container]
        ConfigKey(
            "container.image", .string, default: .string("fedora:43"), trust: .widening,
            "container image or alias (typescript, rust, python, base)"),
        ConfigKey(
            "container.env", .table, default: .table([:]), constraint: .environmentNames, trust: .widening,
            settable: false, "environment variables set in the container"),
        ConfigKey(
            "container.volumes", .strings, default: .strings([]), trust: .widening, settable: true,
            "extra volumes, HOST:CONTAINER[:OPTIONS]"),
        ConfigKey(
            "container.network", .choice(["bridge", "host", "none"]), default: .string("bridge"),
            trust: .strictWhen(.string("none")), "network mode: bridge, host or none"),
        ConfigKey(
            "container.workdir", .string, default: .string("/workspace"), trust: .widening,
            "working directory inside the container"),
        ConfigKey(
            "container.network_allow", .strings, default: .strings([]), constraint: .networkRules, trust: .widening,
            "allowed destinations, host:port"),
        ConfigKey(
            "container.network_preset", .choice(networkPresets), default: nil, trust: .widening,
            "network preset: dev or registries"),
        ConfigKey(
            "container.network_enforcement", .choice(["netns", "wrapper"]), default: .string("netns"),
            trust: .strictWhen(.string("netns")), "how the allowlist is applied: netns or wrapper"),
        ConfigKey(
            "container.layers", .strings, default: .strings([]), constraint: .layerNames, trust: .widening,
            "language layers to compose"),
        ConfigKey(
            "container.read_only", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(true)),
            "mount the container's root filesystem read-only"),
        ConfigKey(
            "container.memory_mb", .integer(u64), default: .integer(0), trust: .lowerIsStricter,
            "memory limit of the container in MiB, swap included (0: half the host's memory, at most 16384)"),
        // [network] (the user's own config only: how allowed names resolve and what they may open)
        ConfigKey(
            "network.allow_private", .strings, default: .strings([]), constraint: .addressBlocks, trust: .userOnly,
            "private address blocks an allowed name may resolve into, e.g. 10.0.0.0/8"),
        ConfigKey(
            "network.dns_servers", .strings, default: .strings([]), constraint: .resolverEndpoints,
            trust: .userOnly, "upstream DNS servers of the session resolver, ADDRESS[:PORT] (default: the host's)"),
        ConfigKey(
            "network.dns_types", .strings, default: .strings([]), constraint: .recordTypes, trust: .userOnly,
            "record types forwarded for allowed names besides A, AAAA and CNAME, e.g. TXT"),
        ConfigKey(
            "network.pin_seconds", .integer(1...86400), default: .integer(Int64(NetworkPolicy.defaultPinSeconds)),
            trust: .userOnly, "shortest time an answered address stays open, in seconds (1-86400)"),
        ConfigKey(
            "network.pin_grace_seconds", .integer(0...3600),
            default: .integer(Int64(NetworkPolicy.defaultPinGraceSeconds)), trust: .userOnly,
            "seconds an answered address stays open past its TTL (0-3600)"),
        // [credentials.*]
        ConfigKey(
            "credentials.aws.enabled", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(false)),
            "inject short-lived AWS credentials"),
        ConfigKey(
            "credentials.aws.session_duration_secs", .integer(900...43200), default: .integer(3600),
            trust: .widening, "AWS session duration in seconds (900-43200)"),
        ConfigKey("credentials.aws.role_arn", .string, default: nil, trust: .widening, "role to assume"),
        ConfigKey(
            "credentials.aws.external_id", .string, default: nil, trust: .widening, "external id for the role"),
        ConfigKey("credentials.aws.profile", .string, default: nil, trust: .widening, "AWS CLI profile"),
        ConfigKey("credentials.aws.region", .string, default: nil, trust: .widening, "AWS region"),
        ConfigKey(
            "credentials.aws.session_policy", .string, default: nil, trust: .widening,
            "inline JSON or a file narrowing the assumed role"),
        ConfigKey(
            "credentials.gcp.enabled", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(false)),
            "inject a short-lived GCP access token"),
        ConfigKey("credentials.gcp.project", .string, default: nil, trust: .widening, "GCP project"),
        ConfigKey(
            "credentials.gcp.service_account", .string, default: nil, trust: .widening,
            "service account to impersonate"),
        ConfigKey(
            "credentials.azure.enabled", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(false)),
            "inject a short-lived Azure access token"),
        ConfigKey("credentials.azure.subscription", .string, default: nil, trust: .widening, "Azure subscription"),
        ConfigKey("credentials.azure.tenant", .string, default: nil, trust: .widening, "Azure tenant"),
        ConfigKey(
            "credentials.github.enabled", .boolean, default: .boolean(true), trust: .strictWhen(.boolean(false)),
            "inject the GitHub token"),
        ConfigKey(
            "credentials.github.host", .string, default: .string("github.com"), trust: .widening,
            "GitHub host (GitHub Enterprise)"),
        // [session]
        ConfigKey("session.shell", .string, default: .string("/bin/bash"), trust: .harmless, "shell for `mino run`"),
        ConfigKey(
            "session.auto_cleanup_hours", .integer(u32), default: .integer(720), trust: .harmless,
            "forget stopped sessions after this many hours (0 disables)"),
        // [cache]
        ConfigKey("cache.enabled", .boolean, default: .boolean(true), trust: .harmless, "use dependency caches"),
        ConfigKey(
            "cache.shared", .boolean, default: .boolean(false), trust: .userOnly,
            "share cache volumes between projects with the same lockfile (default: one per project)"),
        ConfigKey(
            "cache.gc_days", .integer(u32), default: .integer(30), trust: .harmless,
            "remove caches unused for this many days (0 disables)"),
        ConfigKey(
            "cache.max_total_gb", .integer(u32), default: .integer(50), trust: .harmless,
            "warn above and evict down to this total cache size"),
        // [home]
        ConfigKey(
            "home.enabled", .boolean, default: .boolean(true), trust: .strictWhen(.boolean(false)),
            "keep a persistent home volume per project"),
        // [sandbox] (native mode)
        ConfigKey(
            "sandbox.max_memory_mb", .integer(u64), default: .integer(4096), trust: .lowerIsStricter,
            "memory limit in MiB (0 = none)"),
        ConfigKey(
            "sandbox.max_processes", .integer(u32), default: .integer(256), trust: .lowerIsStricter,
            "process limit"),
        ConfigKey(
            "sandbox.max_cpu_seconds", .integer(u64), default: .integer(0), trust: .lowerIsStricter,
            "CPU time limit in seconds (0 = none)"),
        ConfigKey(
            "sandbox.max_file_size_mb", .integer(u64), default: .integer(0), trust: .lowerIsStricter,
            "file size limit in MiB (0 = none)"),
        ConfigKey(
            "sandbox.sandbox_user", .string, default: .string("_mino_agent"), constraint: .userName,
            trust: .widening, "user the native sandbox runs as"),
        ConfigKey(
            "sandbox.cache_mode", .choice(["read-only", "read-write", "none"]), default: .string("read-only"),
            trust: .widening, "access to dependency caches in native mode"),
        ConfigKey(
            "sandbox.passthrough_paths", .strings, default: .strings([]), constraint: .absolutePaths,
            trust: .widening, "host paths readable in the sandbox"),
        ConfigKey(
            "sandbox.writable_paths", .strings, default: .strings([]), constraint: .absolutePaths,
            trust: .widening, "host paths writable in the sandbox"),
        ConfigKey(
            "sandbox.dotfiles", .strings, default: .strings([]), constraint: .homeRelativePaths, trust: .widening,
            "extra dotfiles copied into the sandbox home"),
        ConfigKey(
            "sandbox.allow_sensitive", .boolean, default: .boolean(false), trust: .strictWhen(.boolean(false)),
            "disable the sensitive-path blocklist entirely"),
        ConfigKey(
            "sandbox.allow_sensitive_paths", .strings, default: .strings([]), constraint: .homeRelativePaths,
            trust: .widening, "sensitive paths allowed one by one"),
        ConfigKey(
            "sandbox.auto_passthrough_dirs", .strings, default: .strings([]), constraint: .homeRelativePaths,
            trust: .widening, "home directories passed through read-only"),
        ConfigKey(
            "sandbox.auto_copy_dirs", .strings, default: .strings([]), constraint: .homeRelativePaths,
            trust: .widening, "home directories copied into the sandbox home"),
        ConfigKey(
            "sandbox.network", .choice(["bridge", "host", "none"]), default: nil,
            trust: .strictWhen(.string("none")), "native network mode (defaults to container.network)"),
        ConfigKey(
            "sandbox.network_allow", .strings, default: nil, constraint: .networkRules, trust: .widening,
            "native allowlist (defaults to container.network_allow)"),
        ConfigKey(
            "sandbox.network_preset", .choice(networkPresets), default: nil, trust: .widening,
            "native network preset (defaults to container.network_preset)"),
        ConfigKey(
            "sandbox.env", .table, default: nil, constraint: .environmentNames, trust: .widening, settable: false,
            "native environment (defaults to container.env)"),
        ConfigKey(
            "sandbox.env_passthrough", .strings, default: .strings(defaultEnvPassthrough),
            constraint: .environmentNameList, trust: .widening, "host variables passed into native sandboxes"),
    ]

    private static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

    /// The key with a dotted name, if it exists.
    public static func key(named name: String) -> ConfigKey? {
        byName[name]
    }

    /// The key at a path, if it exists.
    public static func key(at path: [String]) -> ConfigKey? {
        byName[path.joined(separator: ".")]
    }

    /// The names allowed directly under a section path (`[]` is the top level), for "did you
    /// mean" and completions.
    public static func childNames(of prefix: [String]) -> [String] {
        var names = prefix.isEmpty ? ["version"] : []
        for key in keys where key.path.count > prefix.count && key.path.starts(with: prefix) {
            let name = key.path[prefix.count]
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Whether a path names a section (a table holding keys) rather than a key.
    public static func isSection(_ path: [String]) -> Bool {
        keys.contains { $0.path.count > path.count && $0.path.starts(with: path) }
    }
}
