import Diagnostics
import PolicyModel

/// What composing layers onto a base image gives the executor: whether an image must be
/// built, and if so the Containerfile, the files beside it and the tag to build; the image
/// to run; and the variables the container needs at run time.
///
/// The executor's whole job with it: when `needsBuild` and `podman image exists tag` fails,
/// write `containerfile.rendered` as `Containerfile` and each of `contextFiles` into a fresh
/// directory, run `podman build -t <tag> <dir>`, remove the directory; then run
/// `applied(to: policy)`.
public struct LayerComposition: Hashable, Sendable {
    /// The layers in composition order (by name: the command-line order does not matter).
    public let layers: [ResolvedLayer]
    /// The base image reference, with where it was chosen.
    public let baseImage: Sourced<String>
    /// The base image's local ID, when the executor supplied it.
    public let baseImageID: String?
    /// Whether an image must be built: some layer has an install script or root packages.
    public let needsBuild: Bool
    /// `localhost/mino-composed-<12 hex>` when an image is built, else `nil`.
    public let tag: String?
    /// The image to run: `tag` when built, else the base image.
    public let image: Sourced<String>
    /// The Containerfile, when an image is built.
    public let containerfile: Containerfile?
    /// The files the Containerfile copies (`install-<name>.sh`), when an image is built.
    public let contextFiles: [BuildContextFile]
    /// Variables the container needs at run time: `MINO_LAYER_MANIFEST` (when a layer has a
    /// user install), `MINO_PATH_PREPEND` (when a layer prepends to `PATH`) and, when no image
    /// is built, the layers' `[env]` (otherwise it is baked into the image). Sorted by name.
    public let runtimeEnvironment: [EnvironmentVariable]

    /// Whether the tag was computed without the base image's ID (`mino plan` before the base
    /// image is pulled): the executor's tag, computed with the ID, will differ.
    public var isTagProvisional: Bool { needsBuild && baseImageID == nil }

    /// `policy` running the composed image: `image` replaces the policy's image, and
    /// `runtimeEnvironment` joins its environment. A layer's `[env]` never overrides a variable
    /// the policy already sets (configuration, caches, credentials and flags win); mino's own
    /// `MINO_LAYER_MANIFEST` and `MINO_PATH_PREPEND` always apply.
    public func applied(to policy: SandboxPolicy) -> SandboxPolicy {
        var result = policy
        result.image = image
        var variables = [String: EnvironmentVariable]()
        for variable in policy.environment { variables[variable.name] = variable }
        for variable in runtimeEnvironment where variable.name.hasPrefix("MINO_") || variables[variable.name] == nil {
            variables[variable.name] = variable
        }
        result.environment = variables.keys.sorted().compactMap { variables[$0] }
        return result
    }

    /// Creates a composition (normally through `ContainerfileBackend.compose`).
    public init(
        layers: [ResolvedLayer], baseImage: Sourced<String>, baseImageID: String?, tag: String?,
        containerfile: Containerfile?, contextFiles: [BuildContextFile], runtimeEnvironment: [EnvironmentVariable]
    ) {
        self.layers = layers
        self.baseImage = baseImage
        self.baseImageID = baseImageID
        self.needsBuild = containerfile != nil
        self.tag = tag
        self.image = tag.map { Sourced($0, baseImage.origin) } ?? baseImage
        self.containerfile = containerfile
        self.contextFiles = contextFiles
        self.runtimeEnvironment = runtimeEnvironment
    }

    public static func == (lhs: LayerComposition, rhs: LayerComposition) -> Bool {
        lhs.layers == rhs.layers && lhs.baseImage == rhs.baseImage && lhs.baseImageID == rhs.baseImageID
            && lhs.tag == rhs.tag && lhs.containerfile?.rendered == rhs.containerfile?.rendered
            && lhs.contextFiles == rhs.contextFiles && lhs.runtimeEnvironment == rhs.runtimeEnvironment
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tag)
        hasher.combine(baseImage)
    }
}
