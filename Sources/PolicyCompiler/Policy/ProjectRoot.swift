import Diagnostics
import PolicyModel

/// The host directories a project root may never be: mounting one of them writable into a
/// sandbox would hand the agent the user's credentials, mino's own trust and session state,
/// podman's storage, or the system. All paths are absolute and already resolved (symlinks
/// followed) by the caller, like the project path compared against them.
public struct ProtectedDirectories: Sendable, Hashable {
    /// The invoking user's home directory.
    public var home: String
    /// The invoking user's uid (`/run/user/UID`).
    public var userID: UInt32
    /// mino's configuration directory (`$XDG_CONFIG_HOME/mino`).
    public var configDirectory: String
    /// mino's state directory (`$XDG_STATE_HOME/mino`: trust approvals, sessions).
    public var stateDirectory: String
    /// mino's per-session runtime directory.
    public var runtimeDirectory: String
    /// `$XDG_RUNTIME_DIR`, when set.
    public var userRuntimeDirectory: String?

    /// Protected directories for a user.
    public init(
        home: String, userID: UInt32, configDirectory: String, stateDirectory: String, runtimeDirectory: String,
        userRuntimeDirectory: String? = nil
    ) {
        self.home = home
        self.userID = userID
        self.configDirectory = configDirectory
        self.stateDirectory = stateDirectory
        self.runtimeDirectory = runtimeDirectory
        self.userRuntimeDirectory = userRuntimeDirectory
    }
}

/// Whether a directory may be a project root: a pure decision over resolved paths.
public enum ProjectRoot {
    /// System directories refused with everything below them.
    static let systemTrees = [
        "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev", "/proc", "/sys",
        "/var/lib", "/var/run", "/var/log", "/var/spool", "/var/cache", "/var/db", "/System", "/Library",
        "/private/etc", "/private/var/db", "/private/var/root",
    ]
    /// System directories refused themselves (projects below them, such as `/var/tmp/x`, are fine).
    static let systemDirectories = [
        "/var", "/run", "/tmp", "/opt", "/srv", "/mnt", "/media", "/home", "/Users", "/private", "/private/var",
        "/private/tmp", "/nix", "/snap",
    ]
    /// Podman's storage and runtime directories outside the user's home.
    static let podmanDirectories = ["/var/lib/containers", "/run/containers", "/var/run/containers"]

    /// Why `path` may not be a project root, or `nil` when it may. `path` is absolute and resolved.
    public static func problem(_ path: String, protected: ProtectedDirectories) -> String? {
        let path = trimmed(path)
        let home = trimmed(protected.home)
        if path == "/" { return "is the root directory" }
        if path == home { return "is your home directory" }
        for relative in VolumeSyntax.sensitivePaths + ["Library/Keychains"] {
            let sensitive = joined(home, relative)
            if isInside(path, sensitive) { return "is or lies inside `\(sensitive)`, which holds credentials" }
            if isInside(sensitive, path) { return "contains `\(sensitive)`, which holds credentials" }
        }
        let mino: [(String, String)] = [
            (protected.configDirectory, "mino's configuration directory"),
            (protected.stateDirectory, "mino's state directory (trust approvals, sessions)"),
            (protected.runtimeDirectory, "mino's runtime directory"),
        ]
        for (directory, name) in mino {
            if let reason = related(path, trimmed(directory), name) { return reason }
        }
        var podman = podmanDirectories.map { ($0, "podman's storage or runtime directory") }
        podman.append((joined(home, ".local/share/containers"), "podman's storage directory"))
        podman.append((joined(home, ".config/containers"), "podman's configuration directory"))
        if let runtime = protected.userRuntimeDirectory {
            podman.append((joined(trimmed(runtime), "containers"), "podman's runtime directory"))
        }
        for (directory, name) in podman {
            if let reason = related(path, directory, name) { return reason }
        }
        let userRuntime = ["/run/user/\(protected.userID)", protected.userRuntimeDirectory.map(trimmed)]
        for case let directory? in userRuntime where isInside(path, directory) {
            return "is or lies inside your runtime directory `\(directory)`"
        }
        // A home under a system tree (a CI user's `/var/lib/jenkins`) keeps its projects.
        if isInside(path, home) { return nil }
        if path == "/root" { return "is root's home directory" }
        if systemDirectories.contains(path) { return "is a system directory" }
        for tree in systemTrees where isInside(path, tree) { return "is or lies inside the system directory `\(tree)`" }
        return nil
    }

    /// The refusal of a project root, or `nil`; `origin` is the `-p` argument when given.
    public static func check(_ path: String, protected: ProtectedDirectories, at origin: Origin?) -> Diagnostic? {
        problem(path, protected: protected).map { .dangerousProjectRoot(path, reason: $0, at: origin) }
    }

    private static func related(_ path: String, _ directory: String, _ name: String) -> String? {
        if isInside(path, directory) { return "is or lies inside \(name) `\(directory)`" }
        if isInside(directory, path) { return "contains \(name) `\(directory)`" }
        return nil
    }

    /// Whether `path` is `directory` or lies below it (component-wise).
    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func joined(_ base: String, _ relative: String) -> String {
        (base == "/" ? "" : base) + "/" + relative
    }
}

extension Diagnostic {
    static func dangerousProjectRoot(_ path: String, reason: String, at origin: Origin?) -> Diagnostic {
        .error(
            "policy.dangerous-project-root", "refusing the project directory `\(path)`: it \(reason)", at: origin,
            help: "run mino from your project's own directory, or pass it with `-p`")
    }
}
