import Diagnostics
import PolicyModel
import TOML

/// Decides the image and layers (reference-behaviour §8.3–8.4).
///
/// `container.image` and `container.layers` act as one group, like the network keys: the
/// highest layer that sets either decides, so `--image x` on the command line means a single
/// image even when a config file lists layers, and `MINO_LAYERS`/`--layers` win over a
/// configured image. Aliases: `typescript|ts|node`, `rust|cargo`, `python|py` become a layer,
/// `base` the base image.
public enum ImageResolution {
    /// The mino base image that layers are composed onto.
    public static let baseImage = "ghcr.io/dean0x/mino-base:latest"

    /// Layer aliases accepted for images and `--layers`.
    public static let layerAliases: [String: String] = [
        "typescript": "typescript", "ts": "typescript", "node": "typescript",
        "rust": "rust", "cargo": "rust",
        "python": "python", "py": "python",
    ]

    /// The image to run and the layers to compose onto it.
    public static func resolve(_ config: EffectiveConfig) -> (image: Sourced<String>, layers: [Sourced<String>]) {
        let deciding = config.layers.reversed().first { layer in
            guard layer.kind != .builtin else { return false }
            if let layers = layer["container.layers"], case .strings(let names) = layers.value, !names.isEmpty {
                return true
            }
            return layer["container.image"] != nil
        }
        if let deciding, let setting = deciding["container.layers"], case .strings(let names) = setting.value,
            !names.isEmpty
        {
            var layers = [Sourced<String>]()
            for (index, name) in names.enumerated() {
                let canonical = layerAliases[name] ?? name
                if !layers.contains(where: { $0.value == canonical }) {
                    layers.append(Sourced(canonical, setting.origin(ofElement: index)))
                }
            }
            return (Sourced(baseImage, setting.origin), layers)
        }
        let image = deciding?["container.image"] ?? config.setting("container.image")
        guard let image, case .string(let name) = image.value else {
            return (Sourced(baseImage, .builtin), [])
        }
        if let layer = layerAliases[name] {
            return (Sourced(baseImage, image.origin), [Sourced(layer, image.origin)])
        }
        if name == "base" {
            return (Sourced(baseImage, image.origin), [])
        }
        return (Sourced(name, image.origin), [])
    }
}
