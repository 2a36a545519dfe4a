/// Where a layer was found. Searched in this order; the first hit wins, so a project layer
/// shadows a user layer of the same name, which shadows a built-in.
import Diagnostics

public enum LayerScope: String, Hashable, Sendable, CaseIterable {
    /// `<project>/.mino/layers/<name>/`: repository code, trust-gated like `.mino.toml`.
    case project
    /// `<config dir>/layers/<name>/`, beside the global `config.toml`: the user's own.
    case user
    /// Compiled into mino from `images/layers/<name>/`.
    case builtin
}

/// One regular file of a layer directory.
public struct LayerFile: Hashable, Sendable {
    /// The path relative to the layer directory, `/`-separated, without `.` or `..` parts.
    public var path: String
    /// The exact bytes.
    public var bytes: [UInt8]

    /// Creates a file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// A layer found on disk (or built in), its manifest decoded, its files read and hashed.
///
/// Everything the image composition needs is here, so composing never reads a file again:
/// the bytes that were hashed (and, for project layers, approved) are the bytes that are built.
public struct ResolvedLayer: Hashable, Sendable {
    /// The name as it was asked for (`ts`, `python`), with where it was asked for.
    public var requested: Sourced<String>
    /// Where the layer was found.
    public var scope: LayerScope
    /// The layer directory: absolute for project and user layers, `images/layers/<name>` for
    /// built-ins.
    public var directory: String
    /// The decoded `layer.toml`.
    public var manifest: LayerManifest
    /// Every regular file of the directory, sorted by path (byte order).
    public var files: [LayerFile]
    /// `install.sh`, unless absent or made only of blank lines and `#` comments (then the
    /// layer has nothing to run at build time).
    public let installScript: [UInt8]?
    /// `contentHash(of: files)`: the SHA-256 (hex) over the whole directory.
    public let contentHash: String

    /// The manifest file name inside a layer directory.
    public static let manifestFileName = "layer.toml"
    /// The build-time script name inside a layer directory.
    public static let installScriptFileName = "install.sh"

    /// Creates a resolved layer; `files` are sorted here, and the script and hash derived.
    public init(
        requested: Sourced<String>, scope: LayerScope, directory: String, manifest: LayerManifest, files: [LayerFile]
    ) {
        self.requested = requested
        self.scope = scope
        self.directory = directory
        self.manifest = manifest
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        self.files = sorted
        let script = sorted.first { $0.path == Self.installScriptFileName }?.bytes
        self.installScript = script.flatMap { Self.isCommentOnly($0) ? nil : $0 }
        self.contentHash = Self.contentHash(of: sorted)
    }

    /// The layer name (the manifest's, equal to the directory's).
    public var name: String { manifest.name.value }

    /// Whether the layer is repository code that needs the user's approval (path + content
    /// hash) before it may run.
    public var needsApproval: Bool { scope == .project }

    /// Whether the layer changes the image: a script to run or packages to install.
    public var changesImage: Bool { installScript != nil || !manifest.rootPackages.isEmpty }

    /// Whether a script holds only blank lines and `#` comments (a shebang included).
    public static func isCommentOnly(_ bytes: [UInt8]) -> Bool {
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let content = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if let first = content.first, first != UInt8(ascii: "#") { return false }
        }
        return true
    }

    /// The SHA-256 (lowercase hex) of a layer directory's content.
    ///
    /// The digest covers, for every file in path order, the path, the byte count and the bytes
    /// (`path NUL count NUL bytes`), after a format tag. Adding, removing, renaming or changing
    /// any file changes it; nothing else does (timestamps and modes are not part of it).
    /// Symbolic links never reach it: resolution refuses them. The trust store keys project
    /// layer approvals by directory path and this digest.
    public static func contentHash(of files: [LayerFile]) -> String {
        var hasher = SHA256()
        hasher.update(Array("mino-layer-content/1\n".utf8))
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        for file in sorted {
            hasher.update(Array(file.path.utf8))
            hasher.update([0])
            hasher.update(Array(String(file.bytes.count).utf8))
            hasher.update([0])
            hasher.update(file.bytes)
        }
        return hasher.finalize().hex
    }

    public static func == (lhs: ResolvedLayer, rhs: ResolvedLayer) -> Bool {
        lhs.requested == rhs.requested && lhs.scope == rhs.scope && lhs.directory == rhs.directory
            && lhs.manifest == rhs.manifest && lhs.contentHash == rhs.contentHash
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scope)
        hasher.combine(contentHash)
    }
}
