import Backends
import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// Resolves and composes the layers of a compiled policy: what `mino plan` shows and what
/// `mino run` builds. The executor's sequence is the same three pure steps (resolve, compose,
/// apply), plus the trust gate for project layers and `podman build` when `needsBuild`.
package enum LayerPlanning {
    /// The policy running the composed image (unchanged when it names no layers or is not a
    /// container policy) and the composition, if any.
    ///
    /// The base image's ID comes from `facts.imageIDs`; without it the tag is provisional.
    package static func compose(
        _ policy: SandboxPolicy, facts: HostFacts, search: LayerSearchPaths, fileSystem: some LayerFileSystem
    ) throws(DiagnosticError) -> (policy: SandboxPolicy, composition: LayerComposition?) {
        guard policy.runtime.value == .container, !policy.layers.isEmpty else { return (policy, nil) }
        let layers = try LayerResolution.resolve(policy.layers, search: search, fileSystem: fileSystem)
        let composition = try ContainerfileBackend.compose(
            baseImage: policy.image, baseImageID: facts.imageIDs[policy.image.value], layers: layers)
        return (composition.applied(to: policy), composition)
    }
}
