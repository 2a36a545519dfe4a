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
    /// lockfile is read at all).
    package static func cacheVolumes(config: EffectiveConfig, projectDirectory: String) throws(ExecutorFailure)
        -> [CacheVolume]
    {
        guard case .boolean(true)? = config.value("cache.enabled") else { return [] }
        return LockfileDetection.volumes(for: try scan(projectDirectory: projectDirectory))
    }

    package static func scan(projectDirectory: String) throws(ExecutorFailure) -> [Lockfile] {
        try LockfileDetection.detect { (name: String) throws(ExecutorFailure) -> [UInt8]? in
            try read(projectDirectory + "/" + name)
        }
    }

    private static func read(_ path: String) throws(ExecutorFailure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ELOOP || code == ENOTDIR { return nil }
            throw unreadable(path, code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        do {
            let data = try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()
            return [UInt8](data)
        } catch {
            throw unreadable(path, EIO)
        }
    }

    private static func unreadable(_ path: String, _ code: Int32) -> ExecutorFailure {
        ExecutorFailure(
            .failed,
            diagnostics: [
                .error(
                    "cache.lockfile-unreadable", "cannot read lockfile `\(path)`: \(String(cString: strerror(code)))",
                    help: "fix its permissions, or run with --no-cache")
            ])
    }
}
