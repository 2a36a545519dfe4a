/// What is at a path, seen without following a final symbolic link (`lstat`).
import Diagnostics
import TOML

public enum LayerFileKind: Hashable, Sendable {
    /// A directory.
    case directory
    /// A regular file of `size` bytes.
    case regularFile(size: Int)
    /// A symbolic link (never followed: layers may not contain links).
    case symbolicLink
    /// A FIFO, socket or device (never read: reading a FIFO would block).
    case other
}

/// A read failure, with a short reason shown to the user (`permission denied`).
public struct LayerFileSystemError: Error, Hashable, Sendable {
    /// Why the read failed.
    public var reason: String

    /// Creates an error.
    public init(reason: String) {
        self.reason = reason
    }
}

/// The read-only view of the file system that layer resolution works over, so resolution is
/// a pure function: the executor passes one backed by the disk, tests an in-memory one.
///
/// Paths are absolute and `/`-separated. Implementations must not follow a symbolic link in
/// the last component of any path they are given.
public protocol LayerFileSystem: Sendable {
    /// What is at `path`, or `nil` when nothing is.
    func kind(at path: String) -> LayerFileKind?
    /// The names in a directory (without `.` and `..`), in any order.
    func entries(of directory: String) throws(LayerFileSystemError) -> [String]
    /// The bytes of a regular file; fails when it holds more than `limit` bytes or is not a
    /// regular file (any more).
    func contents(of path: String, limit: Int) throws(LayerFileSystemError) -> [UInt8]
}
