import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// The real file system as `LayerResolution` sees it: `lstat` for kinds, so a symbolic link
/// is reported as one and never followed, and reads through `O_NOFOLLOW | O_NONBLOCK`
/// checked with `fstat`, so a file swapped for a link or a FIFO after the `lstat` is refused
/// rather than followed or blocked on.
package struct DiskLayerFileSystem: LayerFileSystem {
    /// Creates the file system of this host.
    package init() {}

    package func kind(at path: String) -> LayerFileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR ? nil : .other
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile(size: Int(info.st_size))
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    package func entries(of directory: String) throws(LayerFileSystemError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LayerFileSystemError(reason: "cannot list the directory")
        }
    }

    package func contents(of path: String, limit: Int) throws(LayerFileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw LayerFileSystemError(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw LayerFileSystemError(reason: "not a regular file")
        }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LayerFileSystemError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
            if bytes.count > limit { throw LayerFileSystemError(reason: "larger than the layer size limit") }
        }
    }
}
