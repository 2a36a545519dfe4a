import Backends
import Diagnostics
import PolicyModel

/// The layer part of a plan: each layer with where it was found and its content hash, the
/// image that runs, the Containerfile and the files beside it.
extension PlanRenderer {
    package static func layerRows(_ composition: LayerComposition) -> String {
        var rows = [(text: String, origin: Origin?)]()
        let width = composition.layers.map { $0.name.unicodeScalars.count }.max() ?? 0
        let directories = composition.layers.map { ShellQuoting.displayQuote($0.directory) }
        let directoryWidth = directories.map { $0.unicodeScalars.count }.max() ?? 0
        for (layer, directory) in zip(composition.layers, directories) {
            var text = layer.name.padding(width) + "  " + layer.scope.rawValue.padding(7) + "  "
            text += directory.padding(directoryWidth) + "  sha256:" + layer.contentHash.prefix(12)
            if layer.requested.value != layer.name { text += "  (asked for as \(layer.requested.value))" }
            if layer.needsApproval { text += "  (needs approval)" }
            rows.append((text, layer.requested.origin))
        }
        if let tag = composition.tag {
            let note = composition.isTagProvisional ? ", provisional" : ""
            rows.append(
                ("image  \(tag) (built from \(composition.baseImage.value)\(note))", composition.baseImage.origin))
            for file in composition.contextFiles {
                rows.append(("build context  \(file.name)  sha256:" + SHA256.hash(file.bytes).hex.prefix(12), nil))
            }
        } else {
            rows.append(("image  \(composition.image.value) (no build needed)", composition.image.origin))
        }
        return annotated(rows.map { ArtifactLine($0.text, origin: $0.origin) })
    }

    package static func layersJSON(_ composition: LayerComposition) -> JSONValue {
        var object: [String: JSONValue] = [
            "needs_build": .bool(composition.needsBuild),
            "image": .string(composition.image.value),
            "tag": composition.tag.map { .string($0) } ?? .null,
            "tag_provisional": .bool(composition.isTagProvisional),
            "base_image": .string(composition.baseImage.value),
            "base_image_id": composition.baseImageID.map { .string($0) } ?? .null,
            "layers": .array(
                composition.layers.map { layer in
                    .object([
                        "name": .string(layer.name), "requested": .string(layer.requested.value),
                        "from": .string(layer.requested.origin.summary), "scope": .string(layer.scope.rawValue),
                        "directory": .string(layer.directory), "sha256": .string(layer.contentHash),
                        "needs_approval": .bool(layer.needsApproval),
                    ])
                }),
            "context_files": .array(
                composition.contextFiles.map {
                    .object(["name": .string($0.name), "sha256": .string(SHA256.hash($0.bytes).hex)])
                }),
            "runtime_environment": .array(composition.runtimeEnvironment.map(\.jsonValue)),
        ]
        if let containerfile = composition.containerfile {
            object["containerfile"] = .object([
                "text": .string(containerfile.rendered), "lines": lines(containerfile.lines),
            ])
        }
        return .object(object)
    }
}
