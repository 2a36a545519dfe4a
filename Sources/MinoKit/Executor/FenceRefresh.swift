import Backends
import Foundation
import PolicyCompiler
import PolicyModel

/// Builds the DNS refresher of a session whose fence was loaded from the host: when the
/// addresses of an allowed name change, the ruleset is compiled again and reloaded into the
/// container's network namespace.
enum FenceRefresh {
    static func refresher(
        record: SessionRecord, facts: HostFacts, executor: Executor, audit: AuditLog
    ) -> DNSRefresher? {
        guard let pid = record.fencePID, !record.fenceRules.isEmpty,
            let key = ConfigSchema.key(named: "container.network_allow")
        else { return nil }
        let layer = ConfigLayer(
            kind: .commandLine,
            settings: [key.name: ConfigSetting(key: key, value: .strings(record.fenceRules), origin: .builtin)])
        let request = RunRequest(projectDirectory: Sourced(record.projectDirectory, .builtin))
        guard
            let policy = try? PolicyCompilation.compile(
                EffectiveConfig(layers: [.defaults, layer]), request: request, facts: facts
            ).policy
        else { return nil }
        var names = [String]()
        for rule in policy.network.rules {
            if case .name(let name) = rule.host { names.append(name) }
        }
        guard !names.isEmpty else { return nil }
        let fence = NetworkFence(
            runner: executor.runner, environment: executor.context.environment, rootless: facts.isRootless)
        var base = facts
        base.containerResolvers = record.resolvers
        let initial = names.reduce(into: [String: [String]]()) { $0[$1] = (facts.resolvedAddresses[$1] ?? []).sorted() }
        let name = record.name
        let frozenBase = base
        return DNSRefresher(
            names: names, initial: initial, interval: DNSRefresher.interval(environment: executor.context.environment),
            resolve: { HostFactsProbe.resolve($0) },
            apply: { addresses in
                var current = frozenBase
                current.resolvedAddresses = addresses
                guard let ruleset = try? NetfilterBackend.ruleset(for: policy, facts: current, resolution: .resolved)
                else {
                    return false
                }
                do {
                    try fence.apply(ruleset, pid: pid)
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
