/// What the executor found out about the host, injected into the compiler and the backends so
/// that both stay pure and golden-testable (a fixed fake `HostFacts` gives fixed bytes).
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
    /// Local image IDs by image reference (`podman image inspect --format {{.Id}}`), for the
    /// images the executor has pulled or inspected; composed image tags cover the base's ID.
    public var imageIDs: [String: String]

    /// Creates host facts.
    public init(
        platform: Platform, userID: UInt32, groupID: UInt32, userName: String, homeDirectory: String,
        isRootless: Bool, cgroupVersion: Int, pidsLimitSupported: Bool, podmanVersion: String?,
        containerResolvers: [String], resolvedAddresses: [String: [String]], sshAuthSocket: String?,
        hardLimits: [String: UInt64], minoVersion: String, helperPath: String = "/usr/local/bin/mino-sandbox-helper",
        imageIDs: [String: String] = [:]
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
    }
}
