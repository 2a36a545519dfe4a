import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Reads the lockfiles in a project root for `LockfileDetection`.
///
/// Only regular files directly in the root count; a symbolic link is not followed (it could
/// name a file outside the project), and a lockfile that exists but cannot be read is an error
/// naming it rather than a silently missing cache.
package enum LockfileScanner {
    /// The cache volumes for the project's lockfiles, or none when caches are off (then no
    /// lockfile is read at all). They are bound to the project unless the user's global config
    /// shares them (`cache.shared`).
    package static func cacheVolumes(
        config: EffectiveConfig, projectDirectory: String, files: any HostFiles = DiskFiles()
    ) throws(ExecutorFailure) -> [CacheVolume] {
        guard case .boolean(true)? = config.value("cache.enabled") else { return [] }
        return LockfileDetection.volumes(
            for: try scan(projectDirectory: projectDirectory, files: files),
            project: isShared(config) ? nil : projectDirectory)
    }

    /// Whether the user's own global config shares caches between projects. Read from the
    /// global layer alone: no project file, flag or environment variable can turn it on.
    package static func isShared(_ config: EffectiveConfig) -> Bool {
        config.layers.last { $0.kind == .global && $0.settings["cache.shared"] != nil }?.settings["cache.shared"]?
            .value == .boolean(true)
    }

    package static func scan(projectDirectory: String, files: any HostFiles = DiskFiles()) throws(ExecutorFailure)
        -> [Lockfile]
    {
        try LockfileDetection.detect { (name: String) throws(ExecutorFailure) -> [UInt8]? in
            let path = projectDirectory + "/" + name
            switch files.readWithoutFollowing(path) {
            case .bytes(let bytes): return bytes
            case .missing, .directory: return nil
            case .failed(let reason): throw unreadable(path, reason)
            }
        }
    }
    private static func unreadable(_ path: String, _ reason: String) -> ExecutorFailure {
        ExecutorFailure(
            .failed,
            diagnostics: [
                .error(
                    "cache.lockfile-unreadable", "cannot read lockfile `\(path)`: \(reason)",
                    help: "fix its permissions, or run with --no-cache")
            ])
    }
}
