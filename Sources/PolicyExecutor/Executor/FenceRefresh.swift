import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Builds the DNS refresher of a session whose fence was loaded from the host: when the
/// addresses of an allowed name change, the ruleset is re-rendered from the structured rules
/// kept in the session record and loaded again with the plan's own load commands. Nothing is
/// compiled again.
package enum FenceRefresh {
    package static func refresher(
        record: SessionRecord?, facts: HostFacts, executor: Executor, audit: AuditLog
    ) -> DNSRefresher? {
        guard let record, let pid = record.fencePID, !record.fenceRules.isEmpty, record.fenceLoads.count == 2 else {
            return nil
        }
        let names = record.fenceRules.compactMap { rule -> String? in
            if case .name(let name) = rule.host { return name } else { return nil }
        }
        guard !names.isEmpty else { return nil }
        let network = NetworkPolicy(
            mode: Sourced(.allowlist, .builtin), rules: record.fenceRules, preset: nil,
            enforcement: Sourced(.netns, .builtin))
        let fence = NetworkFence(runner: executor.runner, environment: executor.environment)
        var base = facts
        base.containerResolvers = record.resolvers
        let initial = names.reduce(into: [String: [String]]()) { $0[$1] = (facts.resolvedAddresses[$1] ?? []).sorted() }
        let name = record.name
        let loads = record.fenceLoads
        let frozenBase = base
        return DNSRefresher(
            names: names, initial: initial, interval: DNSRefresher.interval(environment: executor.environment),
            resolve: { HostFactsProbe.resolve($0) },
            apply: { addresses in
                var current = frozenBase
                current.resolvedAddresses = addresses
                guard let ruleset = try? NetfilterBackend.ruleset(for: network, facts: current, resolution: .resolved)
                else { return false }
                do {
                    try fence.load(ruleset, loads: loads, pid: pid)
                    audit.record(
                        "network.fence.refreshed",
                        [
                            "name": .string(name),
                            "addresses": .object(addresses.mapValues { .array($0.map { .string($0) }) }),
                        ])
                    return true
                } catch {
                    audit.record("network.fence.refresh-failed", ["name": .string(name)])
                    return false
                }
            })
    }
}
