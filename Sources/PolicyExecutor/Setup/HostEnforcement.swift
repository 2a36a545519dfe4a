import Backends
import Diagnostics
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// What this host can enforce (`ReferencePlan`), as `mino status` and `mino setup` print it.
package enum HostEnforcement {
    package static func reports(facts: HostFacts) -> [EnforcementReport] {
        ReferencePlan.enforcement(facts: facts)
    }

    /// One line per element: `network.allowlist  kernel  netfilter, …`.
    package static func render(_ reports: [EnforcementReport]) -> String {
        let width = reports.map(\.element.count).max() ?? 0
        return reports.map { report in
            "  " + report.element.padding(width) + "  " + report.level.rawValue.padding(11) + " " + report.note + "\n"
        }.joined()
    }
}
