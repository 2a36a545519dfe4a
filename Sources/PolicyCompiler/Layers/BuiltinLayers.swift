import Diagnostics
import PolicyModel
import TOML

/// The built-in language layers (`images/layers/<name>/`), compiled into the binary by
/// `scripts/generate-layers`; a test fails when the embedded copy is stale.
///
/// They are found last, after project and user layers of the same name; their aliases are
/// `ImageResolution.layerAliases`.
public enum BuiltinLayers {
    /// One embedded file.
    public struct File: Sendable {
        /// The path inside the layer directory.
        public let path: String
        /// The exact file text.
        public let text: String
    }

    /// One embedded layer directory.
    public struct Source: Sendable {
        /// The layer name (the directory name).
        public let name: String
        /// Its files, by path.
        public let files: [File]
    }

    /// The names of the built-in layers, sorted.
    public static var names: [String] { sources.map(\.name).sorted() }

    /// The repository directory a built-in layer comes from, shown in provenance.
    public static func directory(of name: String) -> String { "images/layers/\(name)" }

    /// The files of the built-in layer `name` (canonical, not an alias), if there is one.
    public static func files(of name: String) -> [LayerFile]? {
        sources.first { $0.name == name }.map { source in
            source.files.map { LayerFile(path: $0.path, bytes: Array($0.text.utf8)) }
        }
    }
}
