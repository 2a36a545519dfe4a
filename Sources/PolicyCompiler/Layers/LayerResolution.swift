import Diagnostics
import PolicyModel
import TOML

/// Where layers are looked for, besides the built-ins.
public struct LayerSearchPaths: Hashable, Sendable {
    /// `<project>/.mino/layers`.
    public var projectLayers: String
    /// `<config dir>/layers` (the directory of the global `config.toml`), if known.
    public var userLayers: String?

    /// The search paths of a project directory and the user's layer directory.
    public init(projectDirectory: String, userLayers: String?) {
        self.projectLayers = Self.projectLayers(of: projectDirectory)
        self.userLayers = userLayers
    }

    /// `<project>/.mino/layers`.
    public static func projectLayers(of projectDirectory: String) -> String {
        (projectDirectory.hasSuffix("/") ? String(projectDirectory.dropLast()) : projectDirectory) + "/.mino/layers"
    }
}

/// Finds, reads, decodes and hashes the layers a policy names. Pure: the file system arrives
/// as a `LayerFileSystem`.
///
/// Each name is looked up in order, the first hit winning:
/// 1. `<project>/.mino/layers/<name>/` (repository code: the result says it needs approval);
/// 2. `<config dir>/layers/<name>/`;
/// 3. the built-in layers, by name or alias (`ts`, `node`, `cargo`, `py`).
///
/// A directory hit needs `layer.toml`, whose `name` must equal the directory name, and
/// `install.sh` unless the manifest has a user install. The whole directory is read (at most
/// `maximumFiles` files, `maximumBytes` bytes, `maximumDepth` levels) and hashed, so the
/// bytes that were hashed — and approved — are the bytes that are built. Symbolic links
/// (including the layer directory itself), FIFOs, sockets and devices are refused, never
/// followed or read: a link could pull a host file such as `~/.ssh/id_ed25519` into the
/// image build.
///
/// Names coming from the command line were already turned from aliases into canonical names
/// by `ImageResolution`; a name given here as an alias is still looked up under that name in
/// the project and user directories first, as the reference does.
public enum LayerResolution {
    /// Most regular files a layer directory may hold.
    public static let maximumFiles = 256
    /// Most bytes a layer directory may hold in total.
    public static let maximumBytes = 8 << 20
    /// Most directory levels below the layer directory.
    public static let maximumDepth = 8

    /// The layers for `names`, in the same order, each layer once (a later name resolving to
    /// an earlier layer is dropped).
    ///
    /// - Throws: `DiagnosticError` with every problem found (`layer.*` codes; manifest errors
    ///   at their file, line and column).
    public static func resolve(
        _ names: [Sourced<String>], search: LayerSearchPaths, fileSystem: some LayerFileSystem
    ) throws(DiagnosticError) -> [ResolvedLayer] {
        var errors = [Diagnostic]()
        var layers = [ResolvedLayer]()
        for requested in names {
            guard LayerName.isValid(requested.value) else {
                errors.append(.layerInvalidName(requested.value, at: requested.origin))
                continue
            }
            do {
                let layer = try resolve(requested, search: search, fileSystem: fileSystem)
                if !layers.contains(where: { $0.name == layer.name }) { layers.append(layer) }
            } catch {
                errors += error.diagnostics
            }
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return layers
    }

    private static func resolve(
        _ requested: Sourced<String>, search: LayerSearchPaths, fileSystem: some LayerFileSystem
    ) throws(DiagnosticError) -> ResolvedLayer {
        let name = requested.value
        var searched = [String]()
        let scoped: [(LayerScope, String?)] = [(.project, search.projectLayers), (.user, search.userLayers)]
        for case (let scope, let base?) in scoped {
            let directory = base + "/" + name
            searched.append(directory)
            switch fileSystem.kind(at: directory) {
            case nil:
                continue
            case .directory:
                var reader = LayerDirectoryReader(fileSystem: fileSystem, origin: requested.origin)
                let files = reader.read(directory)
                if !reader.errors.isEmpty { throw DiagnosticError(reader.errors) }
                return try layer(requested, scope: scope, directory: directory, directoryName: name, files: files)
            case .symbolicLink:
                throw DiagnosticError(.layerSymbolicLink(directory, at: requested.origin))
            case .regularFile, .other:
                throw DiagnosticError(.layerNotADirectory(directory, at: requested.origin))
            }
        }
        let canonical = ImageResolution.layerAliases[name] ?? name
        if let files = BuiltinLayers.files(of: canonical) {
            return try layer(
                requested, scope: .builtin, directory: BuiltinLayers.directory(of: canonical), directoryName: canonical,
                files: files)
        }
        throw DiagnosticError(
            .layerNotFound(name, searched: searched, builtins: BuiltinLayers.names, at: requested.origin))
    }

    /// Decodes and checks the manifest of a directory that was read.
    private static func layer(
        _ requested: Sourced<String>, scope: LayerScope, directory: String, directoryName: String,
        files: [LayerFile]
    ) throws(DiagnosticError) -> ResolvedLayer {
        guard let manifestFile = files.first(where: { $0.path == ResolvedLayer.manifestFileName }) else {
            throw DiagnosticError(.layerMissingManifest(directory, at: requested.origin))
        }
        let source = SourceFile(path: directory + "/" + ResolvedLayer.manifestFileName, bytes: manifestFile.bytes)
        let (decoded, diagnostics) = LayerManifestDecoder.decode(source)
        guard let manifest = decoded else { throw DiagnosticError(diagnostics) }
        var errors = [Diagnostic]()
        if manifest.name.value != directoryName {
            errors.append(.layerNameMismatch(manifest.name.value, directory: directoryName, at: manifest.name.origin))
        }
        let hasScript = files.contains { $0.path == ResolvedLayer.installScriptFileName }
        if !hasScript, !manifest.hasUserInstall {
            errors.append(
                .layerMissingInstallScript(
                    directory + "/" + ResolvedLayer.installScriptFileName, at: manifest.origin))
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return ResolvedLayer(
            requested: requested, scope: scope, directory: directory, manifest: manifest, files: files)
    }
}

/// Reads every regular file below a layer directory through the file system view, refusing
/// links and special files and stopping at the size limits.
private struct LayerDirectoryReader<FileSystem: LayerFileSystem> {
    let fileSystem: FileSystem
    let origin: Origin?
    var errors: [Diagnostic] = []
    private var files: [LayerFile] = []
    private var totalBytes = 0
    private var stopped = false

    init(fileSystem: FileSystem, origin: Origin?) {
        self.fileSystem = fileSystem
        self.origin = origin
    }

    mutating func read(_ directory: String) -> [LayerFile] {
        walk(directory, root: directory, relative: "", depth: 0)
        return files
    }

    private mutating func tooLarge(_ root: String) {
        let limit =
            "\(LayerResolution.maximumFiles) files, \(LayerResolution.maximumBytes >> 20) MiB or "
            + "\(LayerResolution.maximumDepth) directory levels"
        errors.append(.layerTooLarge(root, limit: limit, at: origin))
        stopped = true
    }

    private mutating func walk(_ directory: String, root: String, relative: String, depth: Int) {
        let names: [String]
        do {
            names = try fileSystem.entries(of: directory)
        } catch {
            errors.append(.layerUnreadable(directory, reason: error.reason, at: origin))
            return
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !stopped {
            let path = directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            switch fileSystem.kind(at: path) {
            case nil:
                continue
            case .directory:
                guard depth < LayerResolution.maximumDepth else { return tooLarge(root) }
                walk(path, root: root, relative: relativePath, depth: depth + 1)
            case .symbolicLink:
                errors.append(.layerSymbolicLink(path, at: origin))
            case .other:
                errors.append(.layerSpecialFile(path, at: origin))
            case .regularFile(let size):
                guard files.count < LayerResolution.maximumFiles, totalBytes + size <= LayerResolution.maximumBytes
                else { return tooLarge(root) }
                do {
                    let bytes = try fileSystem.contents(of: path, limit: LayerResolution.maximumBytes - totalBytes)
                    totalBytes += bytes.count
                    files.append(LayerFile(path: relativePath, bytes: bytes))
                } catch {
                    errors.append(.layerUnreadable(path, reason: error.reason, at: origin))
                }
            }
        }
    }
}
