import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Where mino's configuration lives for one invocation: the global config file (platform
/// default, `-c/--config` or `MINO_CONFIG`) and the project's `.mino.toml`.
package struct ConfigLocations {
    /// The project policy file name.
    package static let projectFileName = ".mino.toml"

    /// The user's home directory, absolute.
    package let home: String
    /// The working directory, absolute.
    package let currentDirectory: String
    /// The global config file to load.
    package let globalConfigPath: String
    /// Where `globalConfigPath` was chosen (`--config` or `$MINO_CONFIG`), `nil` for the
    /// platform default.
    package let globalConfigOrigin: Origin?

    /// The locations for an environment and working directory, with the global config file
    /// named by `explicit` (the value of `-c/--config` or `MINO_CONFIG`) or the platform default.
    package init(environment: [String: String], currentDirectory: String, explicit: Sourced<String>? = nil) {
        let home = ConfigLocations.home(environment: environment)
        self.home = home
        self.currentDirectory = currentDirectory
        if let explicit, !explicit.value.isEmpty {
            globalConfigPath = ConfigLocations.absolute(
                ConfigLocations.expandingTilde(explicit.value, home: home), from: currentDirectory)
            globalConfigOrigin = explicit.origin
        } else {
            globalConfigPath = ConfigLocations.defaultGlobalConfigPath(environment: environment, home: home)
            globalConfigOrigin = nil
        }
    }

    /// The user's layer directory: `layers` beside the global config file (so
    /// `~/.config/mino/layers` by default, `<dir>/layers` for `--config <dir>/config.toml`).
    package var userLayersDirectory: String {
        let directory = ConfigLocations.parent(of: globalConfigPath)
        return (directory == "/" ? "" : directory) + "/layers"
    }

    /// `$HOME`, or the password database's entry for this user, or `/`.
    package static func home(environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return normalised(home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            return normalised(String(cString: directory))
        }
        return "/"
    }

    /// `$XDG_CONFIG_HOME/mino/config.toml` or `~/.config/mino/config.toml` on Linux,
    /// `~/Library/Application Support/mino/config.toml` on macOS.
    package static func defaultGlobalConfigPath(environment: [String: String], home: String) -> String {
        #if os(macOS)
            return home + "/Library/Application Support/mino/config.toml"
        #else
            if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
                return normalised(xdg) + "/mino/config.toml"
            }
            return (home == "/" ? "" : home) + "/.config/mino/config.toml"
        #endif
    }

    /// The nearest `.mino.toml` in `directory` or its ancestors, never looking above the home
    /// directory: a file planted in `/tmp` or a shared parent cannot apply to a project. A
    /// project outside the home directory only has its own directory searched.
    package func discoverProjectConfig(from directory: String, files: any HostFiles = DiskFiles()) -> String? {
        var current = ConfigLocations.normalised(directory)
        let insideHome = ConfigLocations.isInside(current, home)
        while true {
            let candidate = (current == "/" ? "" : current) + "/" + ConfigLocations.projectFileName
            switch files.read(candidate) {
            case .bytes, .failed: return candidate
            case .missing, .directory: break
            }
            guard insideHome, current != home, current != "/" else { return nil }
            current = ConfigLocations.parent(of: current)
        }
    }

    /// A path as shown to the user: relative to the working directory when inside it.
    package func display(_ path: String) -> String {
        let base = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        if path.hasPrefix(base), path.count > base.count { return String(path.dropFirst(base.count)) }
        return path
    }

    // MARK: - Path helpers

    package static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    package static func absolute(_ path: String, from directory: String) -> String {
        normalised(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// Removes `.`, empty components and `..` lexically (no symlink resolution).
    package static func normalised(_ path: String) -> String {
        var parts = [Substring]()
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The absolute path with symlinks resolved (`realpath(3)`), or the path itself when it
    /// cannot be resolved.
    package static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// Whether `path` is `directory` or lies below it.
    package static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }
}
