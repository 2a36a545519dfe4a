import Diagnostics
import PolicyModel

/// The message catalogue of image composition (`backend.*` codes). Variable values are never
/// shown: a layer may hold a token.
extension Diagnostic {
    static func backendInvalidImageID(_ identifier: String, image: String) -> Diagnostic {
        .error(
            "backend.invalid-image-id", "the ID `\(shown(identifier))` of image `\(shown(image))` is not an image ID",
            help: "pass the ID `podman image inspect --format {{.Id}}` prints (64 hex digits)")
    }

    static func backendInvalidLayerName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-layer-name", "layer name `\(shown(name))` is not allowed", at: origin,
            help: "layer names use letters, digits, `_` and `-` (at most 64) and do not start with `-`")
    }

    static func backendInvalidPackageName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-package-name", "package name `\(shown(name))` is not allowed", at: origin,
            help: "package names use letters, digits, `.`, `_`, `+` and `-`, and do not start with `-`")
    }

    static func backendInvalidLayerValue(_ name: String, layer: String, reason: String, at origin: Origin?)
        -> Diagnostic
    {
        .error(
            "backend.invalid-layer-value", "the value of `\(shown(name))` in layer `\(shown(layer))` \(reason)",
            at: origin, help: "write the value on one line, without control characters")
    }

    static func backendLayerEnvironmentConflict(
        _ name: String, layers: (String, String), at origin: Origin?, earlier: Origin
    ) -> Diagnostic {
        .error(
            "backend.layer-environment-conflict",
            "layers `\(shown(layers.0))` and `\(shown(layers.1))` set `\(shown(name))` to different values",
            at: origin, labels: [Diagnostic.Label("first set here", at: earlier)],
            help: "remove the variable from one of the layers, or give both the same value")
    }
}
