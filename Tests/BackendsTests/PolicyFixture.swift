import Backends
import Diagnostics
import PolicyModel

/// A default container policy and a fixed fake host, for tests: no path, user or time of the
/// machine the tests run on.
enum PolicyFixture {
    /// A recognisable origin per element, so provenance tests can tell lines apart.
    static func origin(_ name: String) -> Origin { .preset(name: name, location: nil) }

    /// A canary secret: must never appear in any argv, rendered text or line.
    static let canarySecret = "canary-SECRET-4f1d9a"

    /// The fake host: rootless podman on cgroup v2, user `agent` (1000:1000), home
    /// `/home/agent`, resolvers `10.88.0.1` and `fd00::1`, fixed resolved addresses.
    static let facts = HostFacts(
        platform: .linux, userID: 1000, groupID: 1000, userName: "agent", homeDirectory: "/home/agent",
        isRootless: true, cgroupVersion: 2, pidsLimitSupported: true, podmanVersion: "4.3.1",
        containerResolvers: ["10.88.0.1", "fd00::1"],
        resolvedAddresses: [
            "github.com": ["140.82.112.4", "140.82.112.3", "140.82.112.3"],
            "api.anthropic.com": ["2607:6bc0::10", "160.79.104.10"],
            "v6only.example": ["2001:db8::5"],
        ],
        sshAuthSocket: "/run/user/1000/ssh-agent.sock", hardLimits: ["nofile": 524_288, "nproc": 2048],
        minoVersion: "0.0.0-test", helperPath: "/usr/local/bin/mino-sandbox-helper")

    /// The same host, rootful (mino run by `agent` against root podman).
    static var rootfulFacts: HostFacts {
        var facts = facts
        facts.isRootless = false
        return facts
    }

    /// The default container policy: bridge network, no command (the shell), project
    /// `/home/agent/project` at `/project`, pids 4096, nothing else.
    static let policy = SandboxPolicy(
        runtime: Sourced(.container, .builtin), image: Sourced("localhost/mino-base:latest", origin("image")),
        layers: [], command: nil, shell: Sourced("/bin/bash", origin("shell")),
        project: ProjectMount(
            hostPath: Sourced("/home/agent/project", origin("project")), workdir: Sourced("/project", origin("workdir"))
        ),
        mounts: [], environment: [],
        network: NetworkPolicy(
            mode: Sourced(.bridge, origin("network")), rules: [], preset: nil,
            enforcement: Sourced(.netns, origin("enforcement"))),
        readOnlyRoot: Sourced(false, origin("read-only")),
        limits: ResourceLimits(
            pids: Sourced(4096, origin("pids")), maxMemoryMB: Sourced(0, .builtin), maxProcesses: Sourced(0, .builtin),
            maxCPUSeconds: Sourced(0, .builtin), maxFileSizeMB: Sourced(0, .builtin)),
        credentials: CredentialRequest(
            aws: Sourced(false, .builtin), awsOptions: [:], gcp: Sourced(false, .builtin), gcpOptions: [:],
            azure: Sourced(false, .builtin), azureOptions: [:], github: Sourced(false, .builtin),
            githubHost: Sourced("github.com", .builtin), sshAgent: Sourced(false, .builtin),
            strict: Sourced(false, .builtin)),
        caches: CachePolicy(enabled: Sourced(true, origin("caches")), fresh: Sourced(false, .builtin), volumes: []),
        homeVolume: Sourced(false, origin("home")),
        session: SessionSettings(name: nil, detach: Sourced(false, .builtin), autoCleanupHours: Sourced(0, .builtin)),
        auditLog: Sourced(true, .builtin),
        native: NativeSettings(
            sandboxUser: Sourced("_mino_agent", origin("sandbox-user")), passthroughPaths: [], writablePaths: [],
            environmentPassthrough: []))

    /// The default policy changed by `configure`.
    static func policy(_ configure: (inout SandboxPolicy) -> Void) -> SandboxPolicy {
        var policy = policy
        configure(&policy)
        return policy
    }

    /// An allowlist rule.
    static func rule(_ host: String, _ port: UInt16) -> NetworkRule {
        let parsed: NetworkRule.Host
        if IPAddress(host, family: .ipv4) != nil {
            parsed = .ipv4(host)
        } else if host.contains(":") {
            parsed = .ipv6(host)
        } else {
            parsed = .name(host)
        }
        return NetworkRule(host: parsed, port: port, origin: origin("rule \(host):\(port)"))
    }

    /// The default policy with an allowlist of `rules`, applied by `enforcement`.
    static func allowlist(
        _ rules: [NetworkRule] = [rule("github.com", 443), rule("api.anthropic.com", 443)],
        enforcement: NetworkPolicy.Enforcement = .netns
    ) -> SandboxPolicy {
        policy {
            $0.network = NetworkPolicy(
                mode: Sourced(.allowlist, origin("network")), rules: rules, preset: nil,
                enforcement: Sourced(enforcement, origin("enforcement")))
        }
    }

    /// A variable of the policy.
    static func variable(_ name: String, _ value: EnvironmentVariable.Value, secret: Bool = false)
        -> EnvironmentVariable
    {
        EnvironmentVariable(name: name, value: value, isSecret: secret, origin: origin("env \(name)"))
    }

    /// The default policy with every optional feature on: a command, environment (a secret
    /// canary among it), caches, home volume, SSH agent, a read-only mount, read-only root.
    static let fullPolicy = policy {
        $0.command = Sourced(["claude", "--dangerously-skip-permissions"], origin("command"))
        $0.environment = [
            variable("GITHUB_TOKEN", .credential(provider: "github")),
            variable("API_KEY", .literal(canarySecret), secret: true),
            variable("EDITOR", .literal("vim")),
            variable("AWS_PROFILE", .host(variable: "AWS_PROFILE")),
        ]
        $0.caches.volumes = [
            CacheVolume(
                ecosystem: "npm", volumeName: "mino-cache-npm-0123456789ab",
                environment: ["npm_config_cache": "/cache/npm", "COREPACK_HOME": "/cache/npm/corepack"])
        ]
        $0.homeVolume = Sourced(true, origin("home"))
        $0.credentials.sshAgent = Sourced(true, origin("ssh"))
        $0.mounts = [
            Mount(source: .hostPath("/home/agent/notes"), target: "/notes", options: ["ro"], origin: origin("mount"))
        ]
        $0.readOnlyRoot = Sourced(true, origin("read-only"))
    }

    /// A session with a fixed name and no home volume.
    static let session = PodmanSession(name: "test-session", homeVolume: nil)
    /// A session with a home volume.
    static let sessionWithHome = PodmanSession(name: "test-session", homeVolume: "mino-home-0123456789ab")
}
