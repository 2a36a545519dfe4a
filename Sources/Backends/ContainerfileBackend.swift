import Diagnostics
import PolicyModel

/// Composes resolved language layers onto the base image: the Containerfile, the files it
/// copies, the composed image's tag and the run-time variables (reference-behaviour §8.6, with
/// its order and hashing bugs fixed).
///
/// Layers are composed in name order, whatever order they were asked for in, so the
/// order-independent tag names exactly one Containerfile. Two layers setting one variable to
/// different values is an error rather than a silent, order-dependent override. The image is
/// built when any layer has an install script or root packages; the Containerfile is:
///
/// 1. `FROM <base image ID>` (or the reference when the ID is unknown), a label listing the
///    layers, `USER root`;
/// 2. the root packages of every layer, once each, installed with `apt-get` or `dnf`,
///    whichever the base image has (decided inside the `RUN`, so a Fedora-based base works too;
///    package names are the base distribution's);
/// 3. per layer with a script: `COPY install-<name>.sh` and a `RUN` that executes and removes
///    it (packages come first so scripts can use them);
/// 4. `USER developer`, then one `ENV` per variable, sorted by name, `PATH` included when a
///    layer prepends to it. Values are literal: `$` is escaped, never expanded.
///
/// The tag is `localhost/mino-composed-` and the first 12 hex digits of a SHA-256 over a
/// format tag, the base reference and ID, the Containerfile, and for each layer its name,
/// version, every file's path and bytes, root packages, user install, `[env]` and
/// `path_prepend` (each field length-prefixed, so no two inputs run together).
public enum ContainerfileBackend {
    /// The prefix of composed image tags.
    public static let tagPrefix = "localhost/mino-composed-"
    /// The label listing a composed image's layers (`mino cache clear --images` finds them by it).
    public static let layersLabel = "io.mino.layers"
    /// The user the base image runs as.
    public static let imageUser = "developer"

    /// Composes `layers` (in any order) onto `baseImage`, whose local ID is `baseImageID` when
    /// known.
    ///
    /// - Throws: `DiagnosticError` with every problem found (`backend.*` codes).
    public static func compose(
        baseImage: Sourced<String>, baseImageID: String?, layers: [ResolvedLayer]
    ) throws(DiagnosticError) -> LayerComposition {
        let ordered = layers.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var collector = DiagnosticCollector()
        collector.add(Validation.image(baseImage.value, origin: baseImage.origin))
        var imageID: String?
        if let baseImageID {
            imageID = ContainerfileQuoting.imageID(baseImageID)
            if imageID == nil { collector.add(.backendInvalidImageID(baseImageID, image: baseImage.value)) }
        }
        for layer in ordered { check(layer, into: &collector) }
        let environment = mergedEnvironment(ordered, into: &collector)
        let pathPrepend = mergedPathPrepend(ordered)
        try collector.throwIfAny()

        var runtime = [EnvironmentVariable]()
        let installing = ordered.filter(\.manifest.hasUserInstall)
        if let first = installing.first?.manifest.userInstall {
            let entries = installing.compactMap { layer in layer.manifest.userInstall?.manifestEntry(name: layer.name) }
            runtime.append(
                EnvironmentVariable(
                    name: "MINO_LAYER_MANIFEST", value: .literal(JSONValue.array(entries).rendered()), isSecret: false,
                    origin: first.origin))
        }
        if let first = pathPrepend.first {
            runtime.append(
                EnvironmentVariable(
                    name: "MINO_PATH_PREPEND", value: .literal(pathPrepend.map(\.value).joined(separator: ":")),
                    isSecret: false, origin: first.origin))
        }
        guard ordered.contains(where: \.changesImage) else {
            for variable in environment {
                runtime.append(
                    EnvironmentVariable(
                        name: variable.name, value: .literal(variable.value),
                        isSecret: EnvironmentVariable.looksSecret(name: variable.name), origin: variable.origin))
            }
            return LayerComposition(
                layers: ordered, baseImage: baseImage, baseImageID: imageID, tag: nil, containerfile: nil,
                contextFiles: [], runtimeEnvironment: runtime.sorted { $0.name < $1.name })
        }
        let contextFiles = ordered.compactMap { layer in
            layer.installScript.map { BuildContextFile(name: scriptName(layer.name), bytes: $0, layer: layer.name) }
        }
        let containerfile = Containerfile(
            lines: containerfileLines(
                ordered, baseImage: baseImage, imageID: imageID, environment: environment, pathPrepend: pathPrepend))
        let tag =
            tagPrefix
            + composedDigest(
                baseImage: baseImage.value, imageID: imageID, containerfile: containerfile.rendered, layers: ordered
            ).prefix(12)
        return LayerComposition(
            layers: ordered, baseImage: baseImage, baseImageID: imageID, tag: tag, containerfile: containerfile,
            contextFiles: contextFiles, runtimeEnvironment: runtime.sorted { $0.name < $1.name })
    }

    /// The build-context name of a layer's script.
    static func scriptName(_ layer: String) -> String { "install-\(layer).sh" }

    /// Re-checks what the manifest decoder checked, so no hand-built `ResolvedLayer` can put
    /// an unsafe word into the Containerfile.
    private static func check(_ layer: ResolvedLayer, into collector: inout DiagnosticCollector) {
        let manifest = layer.manifest
        collector.add(Validation.layerName(layer.name, origin: manifest.name.origin))
        for package in manifest.rootPackages {
            collector.add(Validation.packageName(package.value, origin: package.origin))
        }
        for directory in manifest.pathPrepend {
            collector.add(
                Validation.absolutePath(directory.value, role: "`PATH` entry", origin: directory.origin, forbidden: ":")
            )
        }
        for variable in manifest.environment {
            if let problem = Validation.environmentName(variable.name, origin: variable.origin) {
                collector.add(problem)
            } else if let reason = ContainerfileQuoting.valueProblem(variable.value) {
                collector.add(
                    .backendInvalidLayerValue(variable.name, layer: layer.name, reason: reason, at: variable.origin))
            }
        }
    }

    /// Every layer's `[env]`, sorted by name; a name set to two different values is an error.
    private static func mergedEnvironment(
        _ layers: [ResolvedLayer], into collector: inout DiagnosticCollector
    ) -> [LayerVariable] {
        var merged = [String: (variable: LayerVariable, layer: String)]()
        for layer in layers {
            for variable in layer.manifest.environment {
                if let earlier = merged[variable.name] {
                    if earlier.variable.value != variable.value {
                        collector.add(
                            .backendLayerEnvironmentConflict(
                                variable.name, layers: (earlier.layer, layer.name), at: variable.origin,
                                earlier: earlier.variable.origin))
                    }
                    continue
                }
                merged[variable.name] = (variable, layer.name)
            }
        }
        return merged.keys.sorted().compactMap { merged[$0]?.variable }
    }

    /// Every layer's `path_prepend` directories in layer order, each once.
    private static func mergedPathPrepend(_ layers: [ResolvedLayer]) -> [Sourced<String>] {
        var seen = Set<String>()
        return layers.flatMap(\.manifest.pathPrepend).filter { seen.insert($0.value).inserted }
    }
}
