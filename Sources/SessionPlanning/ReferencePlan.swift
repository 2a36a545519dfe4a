import Backends
import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// What this host can enforce: the plan of a reference policy (allowlist network, read-only
/// project, the default limits and hardening) made with the host's facts, and the level each
/// backend reports for it. `mino status` and `mino setup` print it.
package enum ReferencePlan {
    /// The enforcement reports of the reference plan (identity only when not root).
    package static func enforcement(facts: HostFacts) -> [EnforcementReport] {
        var settings = [String: ConfigSetting]()
        for (name, value) in [
            ("container.network_preset", ConfigValue.string("dev")), ("container.read_only", .boolean(true)),
            ("general.allow_root", .boolean(true)), ("container.image", .string("base")),
        ] {
            if let key = ConfigSchema.key(named: name) {
                settings[name] = ConfigSetting(key: key, value: value, origin: .builtin)
            }
        }
        let input = SessionPlanner.Input(
            config: EffectiveConfig(layers: [.defaults, ConfigLayer(kind: .commandLine, settings: settings)]),
            request: RunRequest(
                projectDirectory: Sourced("/srv/project", .builtin), command: Sourced(["true"], .builtin)),
            facts: facts, layerSearch: LayerSearchPaths(projectDirectory: "/srv/project", userLayers: nil),
            terminal: .none, resolution: .symbolic, purpose: .plan)
        guard let plan = try? SessionPlanner.plan(input, layerFiles: NoLayerFiles()) else { return [] }
        return plan.artifacts.enforcement.filter { $0.element != "identity" || facts.userID != 0 }
    }
}

/// A layer file system with no layers in it (plans that must not read the disk).
package struct NoLayerFiles: LayerFileSystem {
    package init() {}
    package func kind(at path: String) -> LayerFileKind? { nil }
    package func entries(of directory: String) throws(LayerFileSystemError) -> [String] { [] }
    package func contents(of path: String, limit: Int) throws(LayerFileSystemError) -> [UInt8] {
        throw LayerFileSystemError(reason: "no such file")
    }
}
