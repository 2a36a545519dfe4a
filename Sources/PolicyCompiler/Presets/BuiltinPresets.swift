import Diagnostics
import PolicyModel
import TOML

/// The built-in presets (`policies/*.toml`), compiled into the binary.
///
/// A preset is a policy file in the config schema; today both presets are network allowlists
/// selected with `network_preset` / `--network-preset`. Their rules keep `Origin.preset` with
/// the span inside the preset file, so `mino plan` can say which preset line allowed a host.
public enum BuiltinPresets {
    /// One embedded preset file.
    public struct Source: Sendable {
        /// The preset name (the file name without `.toml`).
        public let name: String
        /// The path in the repository, shown in provenance.
        public let path: String
        /// The exact file text.
        public let text: String
    }

    /// The preset names, sorted.
    public static var names: [String] { sources.map(\.name).sorted() }

    /// The decoded preset layers by name. Built-in presets always decode cleanly (a test
    /// checks it); a preset that did not would simply be absent.
    public static let layers: [String: ConfigLayer] = {
        var layers = [String: ConfigLayer]()
        for source in sources {
            let file = SourceFile(path: source.path, text: source.text)
            let (layer, diagnostics) = ConfigDecoder.decode(file, as: .preset(source.name))
            if let layer, diagnostics.isEmpty {
                layers[source.name] = layer
            }
        }
        return layers
    }()
}
