/// What the executor found out about the host, injected into the compiler and the backends so
/// that both stay pure and golden-testable (a fixed fake `HostFacts` gives fixed bytes).
import Diagnostics

public struct HostFacts: Hashable, Sendable {
    /// The operating system mino runs on.
    public enum Platform: String, Hashable, Sendable {
        /// Linux with podman.
        case linux
        /// macOS (podman in a VM, or the native helper).
        case macOS
    }

    /// The operating system.
    public var platform: Platform
    /// The invoking user's uid.
    public var userID: UInt32
    /// The invoking user's primary gid.
    public var groupID: UInt32
    /// The invoking user's login name.
    public var userName: String
    /// The invoking user's home directory (absolute).
    public var homeDirectory: String
    /// Whether podman runs rootless (mino not run as root).
    public var isRootless: Bool
    /// The cgroup version of the host (1 or 2).
    public var cgroupVersion: Int
    /// Whether podman can enforce `--pids-limit` here (not rootless on cgroup v1).
    public var pidsLimitSupported: Bool
    /// Whether podman can enforce `--memory` here: the same condition as the pids limit
    /// (rootless podman on cgroup v1 ignores every resource limit).
    public var memoryLimitSupported: Bool { pidsLimitSupported }
    /// The host's memory (`MemTotal` of `/proc/meminfo`) in MiB, when known: the default
    /// container memory limit is a share of it.
    public var memoryTotalMB: Int64?
    /// `podman --version`'s version number, if podman was found.
    public var podmanVersion: String?
    /// The DNS resolvers the container will use (IPv4 and IPv6 literals).
    public var containerResolvers: [String]
    /// Addresses of allowlisted host names (IPv4 and IPv6 literals), when resolved.
    public var resolvedAddresses: [String: [String]]
    /// The host's `SSH_AUTH_SOCK`, if set.
    public var sshAuthSocket: String?
    /// The caller's hard limits by name (`nofile`, `nproc`), for rootful `--ulimit` values.
    public var hardLimits: [String: UInt64]
    /// mino's version (also the helper version the sudoers rule and requests expect).
    public var minoVersion: String
    /// Where the macOS native helper is installed.
    public var helperPath: String
    /// The host tools that load the network fence into a container's namespace (absolute
    /// paths), or `nil` when one is missing: then the allowlist falls back to the wrapper.
    public var fenceTools: FenceTools?
    /// Why the SSH agent at `sshAuthSocket` cannot be forwarded (no socket, no answer), or `nil`
    /// when it answers.
    public var sshAgentProblem: String?
    /// The session name a run without `-n` uses, drawn by the probe (random per invocation).
    public var generatedSessionName: String
    /// The absolute path of the running mino executable (the detached supervisor runs it).
    public var minoExecutable: String?
    /// The directory of mino's per-session runtime files (fence hook, resolver socket): short
    /// (a Unix socket path is at most 107 bytes) and private to the user.
    public var runtimeDirectory: String
    /// The host's resolvers (`/etc/resolv.conf`, loopback ones included: mino queries them from
    /// the host side), the session resolver's default upstreams.
    public var hostResolvers: [String]
    /// The host's own addresses (every interface), which an allowed name may never open.
    public var hostAddresses: [String]
    /// Local image IDs by image reference (`podman image inspect --format {{.Id}}`), for the
    /// images the executor has pulled or inspected; composed image tags cover the base's ID.
    public var imageIDs: [String: String]

    /// Creates host facts.
    public init(
        platform: Platform, userID: UInt32, groupID: UInt32, userName: String, homeDirectory: String,
        isRootless: Bool, cgroupVersion: Int, pidsLimitSupported: Bool, podmanVersion: String?,
        containerResolvers: [String], resolvedAddresses: [String: [String]], sshAuthSocket: String?,
        hardLimits: [String: UInt64], minoVersion: String, helperPath: String = "/usr/local/bin/mino-sandbox-helper",
        imageIDs: [String: String] = [:], fenceTools: FenceTools? = .standard, sshAgentProblem: String? = nil,
        generatedSessionName: String = "session-preview", minoExecutable: String? = nil,
        runtimeDirectory: String = "/run/user/1000/mino", hostResolvers: [String] = [], hostAddresses: [String] = [],
        memoryTotalMB: Int64? = nil
    ) {
        self.platform = platform
        self.userID = userID
        self.groupID = groupID
        self.userName = userName
        self.homeDirectory = homeDirectory
        self.isRootless = isRootless
        self.cgroupVersion = cgroupVersion
        self.pidsLimitSupported = pidsLimitSupported
        self.podmanVersion = podmanVersion
        self.containerResolvers = containerResolvers
        self.resolvedAddresses = resolvedAddresses
        self.sshAuthSocket = sshAuthSocket
        self.hardLimits = hardLimits
        self.minoVersion = minoVersion
        self.helperPath = helperPath
        self.imageIDs = imageIDs
        self.fenceTools = fenceTools
        self.sshAgentProblem = sshAgentProblem
        self.generatedSessionName = generatedSessionName
        self.minoExecutable = minoExecutable
        self.runtimeDirectory = runtimeDirectory
        self.hostResolvers = hostResolvers
        self.hostAddresses = hostAddresses
        self.memoryTotalMB = memoryTotalMB
    }
}

/// The host tools of the netns fence applier, as absolute paths.
public struct FenceTools: Hashable, Sendable {
    /// `nft` (nftables), run by the fence hook inside the container's network namespace.
    public var nft: String

    /// Creates the set.
    public init(nft: String) {
        self.nft = nft
    }

    /// Where Debian installs it.
    public static let standard = FenceTools(nft: "/usr/sbin/nft")
}
