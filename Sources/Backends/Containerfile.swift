import Diagnostics
import PolicyModel

/// The Containerfile that composes layers onto the base image, line by line with the layer
/// manifest entry (or setting) each line comes from.
public struct Containerfile: RenderedArtifact {
    /// The lines, in order.
    public let lines: [ArtifactLine]

    /// The exact text, final newline included.
    public var rendered: String { ArtifactLine.render(lines) }

    /// Building an image enforces nothing about the sandbox.
    public var enforcement: [EnforcementReport] { [] }
}

/// A file the executor writes next to the Containerfile before `podman build`.
public struct BuildContextFile: Hashable, Sendable {
    /// The file name inside the build directory (`install-<layer>.sh`).
    public let name: String
    /// The exact bytes (the layer's `install.sh`).
    public let bytes: [UInt8]
    /// The layer the file belongs to.
    public let layer: String
}
