import PolicyCompiler
import TOML

/// A `LayerFileSystem` held in memory, for resolution tests and golden cases: files, links,
/// special files and failures at absolute paths; directories are implied by the paths below
/// them (or added explicitly when empty).
public struct InMemoryLayerFileSystem: LayerFileSystem {
    /// What is at one path.
    public enum Node: Sendable {
        /// A regular file.
        case file([UInt8])
        /// A symbolic link to `target` (never followed).
        case symbolicLink(target: String)
        /// A FIFO (or socket, or device).
        case special
        /// An explicit (possibly empty) directory.
        case directory
        /// A directory whose listing fails.
        case unreadableDirectory
        /// A regular file whose read fails.
        case unreadableFile
    }

    /// The nodes by absolute path.
    public var nodes: [String: Node]

    /// A file system holding `nodes`.
    public init(_ nodes: [String: Node] = [:]) {
        self.nodes = nodes
    }

    /// Adds a text file.
    public mutating func add(_ path: String, _ text: String) {
        nodes[path] = .file(Array(text.utf8))
    }

    /// Adds a layer directory `directory` holding `files` (relative path → text).
    public mutating func addLayer(_ directory: String, _ files: [String: String]) {
        nodes[directory] = .directory
        for (path, text) in files { add(directory + "/" + path, text) }
    }

    public func kind(at path: String) -> LayerFileKind? {
        switch nodes[path] {
        case .file(let bytes): return .regularFile(size: bytes.count)
        case .unreadableFile: return .regularFile(size: 0)
        case .symbolicLink: return .symbolicLink
        case .special: return .other
        case .directory, .unreadableDirectory: return .directory
        case nil: return nodes.keys.contains { $0.hasPrefix(path + "/") } ? .directory : nil
        }
    }

    public func entries(of directory: String) throws(LayerFileSystemError) -> [String] {
        if case .unreadableDirectory? = nodes[directory] { throw LayerFileSystemError(reason: "permission denied") }
        var names = Set<String>()
        let prefix = directory + "/"
        for path in nodes.keys where path.hasPrefix(prefix) {
            if let name = path.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
        }
        return names.sorted()
    }

    public func contents(of path: String, limit: Int) throws(LayerFileSystemError) -> [UInt8] {
        guard case .file(let bytes)? = nodes[path] else { throw LayerFileSystemError(reason: "permission denied") }
        if bytes.count > limit { throw LayerFileSystemError(reason: "larger than the layer size limit") }
        return bytes
    }
}
