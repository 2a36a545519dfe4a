import Foundation

/// What a read of a file found.
package enum HostFileRead: Equatable, Sendable {
    /// Nothing is there.
    case missing
    /// A directory is there.
    case directory
    /// Something is there that cannot be read; the reason, lowercase.
    case failed(String)
    /// The file's bytes.
    case bytes([UInt8])
}

/// The files mino reads to plan a session (config files, the trust store, lockfiles), behind a
/// seam so that tests plan against a described file system with the real loading code.
package protocol HostFiles: Sendable {
    /// Reads `path` (symbolic links followed, as a user's editor would).
    func read(_ path: String) -> HostFileRead
    /// Reads `path` only if it is a regular file itself: a symbolic link reads as missing.
    func readWithoutFollowing(_ path: String) -> HostFileRead
}

/// The host's own files.
package struct DiskFiles: HostFiles {
    /// The host's file system.
    package init() {}

    package func read(_ path: String) -> HostFileRead {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { return .directory }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failed(String(cString: strerror(errno)).lowercased())
        }
        return .bytes([UInt8](data))
    }

    package func readWithoutFollowing(_ path: String) -> HostFileRead {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ELOOP || code == ENOTDIR { return .missing }
            return .failed(String(cString: strerror(code)).lowercased())
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failed(String(cString: strerror(errno)).lowercased()) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .directory }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .missing }
        do {
            return .bytes([UInt8](try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()))
        } catch {
            return .failed(String(cString: strerror(EIO)).lowercased())
        }
    }
}

/// Files described in memory (absolute path → bytes), for tests; every parent directory of a
/// file exists.
package struct InMemoryFiles: HostFiles {
    /// The files.
    package var files: [String: [UInt8]]

    /// Creates the file system of `files`.
    package init(_ files: [String: [UInt8]] = [:]) {
        self.files = files
    }

    package func read(_ path: String) -> HostFileRead {
        if let bytes = files[path] { return .bytes(bytes) }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : .missing
    }

    package func readWithoutFollowing(_ path: String) -> HostFileRead { read(path) }
}
