import Backends
import PolicyCompiler
import PolicyModel

/// What this host can enforce: a reference policy (allowlist network, read-only project, the
/// default limits and hardening) compiled with the host's facts, and the level each backend
/// reports for it. `mino status` and `mino setup` print it.
enum HostEnforcement {
    static func reports(facts: HostFacts) -> [EnforcementReport] {
        var settings = [String: ConfigSetting]()
        for (name, value) in [
            ("container.network_preset", ConfigValue.string("dev")), ("container.read_only", .boolean(true)),
            ("general.allow_root", .boolean(true)), ("container.image", .string("base")),
        ] {
            if let key = ConfigSchema.key(named: name) {
                settings[name] = ConfigSetting(key: key, value: value, origin: .builtin)
            }
        }
        let config = EffectiveConfig(layers: [.defaults, ConfigLayer(kind: .commandLine, settings: settings)])
        let request = RunRequest(
            projectDirectory: Sourced("/srv/project", .builtin), command: Sourced(["true"], .builtin))
        let output: PolicyCompilation.Output
        let artifacts: PlanArtifacts
        do {
            output = try PolicyCompilation.compile(config, request: request, facts: facts)
            artifacts = try PlanArtifacts.build(output.policy, facts: facts, resolution: .symbolic, terminal: .none)
        } catch {
            return []
        }
        return artifacts.enforcement.filter { $0.element != "identity" || facts.userID != 0 }
    }

    /// One line per element: `network.allowlist  kernel  netfilter, …`.
    static func render(_ reports: [EnforcementReport]) -> String {
        let width = reports.map(\.element.count).max() ?? 0
        return reports.map { report in
            "  " + report.element.padding(width) + "  " + report.level.rawValue.padding(11) + " " + report.note + "\n"
        }.joined()
    }
}
