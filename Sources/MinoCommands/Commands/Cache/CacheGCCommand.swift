import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino cache gc [--days N] [--dry-run]`: removes caches unused for N days, home volumes
/// whose project directory is gone, and then the least recently used caches until the total
/// is within `cache.max_total_gb`. A volume any container still uses is kept and named.
///
/// N defaults to `cache.gc_days`, where 0 turns age-based removal off; an explicit `--days 0`
/// means every unused cache.
enum CacheGCCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "gc",
        abstract: "Remove caches not used for a number of days",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .days, kind: .option(valueName: "n"), help: "Remove caches unused for this many days",
                        defaultDescription: "cache.gc_days from the config", format: .unsignedInteger),
                    OptionSpec(.dryRun, help: "Show what would be removed; remove nothing"),
                ])
        ])

    struct Plan: Equatable {
        /// Cache volumes to remove, with the reason.
        var caches: [(name: String, reason: String, bytes: Int64)]
        var homes: [(name: String, project: String)]

        static func == (lhs: Plan, rhs: Plan) -> Bool {
            lhs.caches.map(\.name) == rhs.caches.map(\.name) && lhs.homes.map(\.name) == rhs.homes.map(\.name)
        }
    }

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let tools = try CacheTools(parsed: parsed, context: context)
        let catalog = try CacheCatalog.load(tools)
        let days = parsed.string(.days).flatMap { Int64($0) } ?? (tools.gcDays > 0 ? tools.gcDays : nil)
        let plan = plan(catalog, days: days, now: Date()) { FileManager.default.fileExists(atPath: $0) }
        var out = "Current usage: \(catalog.usage.summary)\n"
        if days == nil { out += "Removal by age is off (cache.gc_days = 0).\n" }
        guard !plan.caches.isEmpty || !plan.homes.isEmpty else {
            context.standardOutput.write(out + "Nothing to remove.\n")
            return .success
        }
        let dryRun = parsed.flag(.dryRun)
        var removedCaches = 0
        var removedHomes = 0
        var freed: Int64 = 0
        var kept = [String]()
        for cache in plan.caches {
            out +=
                "\(dryRun ? "would remove" : "remove") \(cache.name) (\(cache.reason), \(CacheUsage.format(cache.bytes)))\n"
            guard !dryRun else { continue }
            if let reason = try tools.removeUnlessUsed(cache.name) {
                kept.append("\(cache.name): \(reason)")
            } else {
                removedCaches += 1
                freed += cache.bytes
            }
        }
        for home in plan.homes {
            out += "\(dryRun ? "would remove" : "remove") \(home.name) (project \(home.project) no longer exists)\n"
            guard !dryRun else { continue }
            if let reason = try tools.removeUnlessUsed(home.name) {
                kept.append("\(home.name): \(reason)")
            } else {
                removedHomes += 1
            }
        }
        if dryRun {
            out += "Dry run: nothing removed.\n"
        } else {
            out += "Removed \(removedCaches) cache(s), freed \(CacheUsage.format(freed))"
            out += " + \(removedHomes) orphaned home volume(s)\n"
            for line in kept { out += "kept \(line)\n" }
        }
        context.standardOutput.write(out)
        return .success
    }

    /// What to remove: caches unused for `days` (when given), orphaned home volumes, then the
    /// least recently used remaining caches while the total exceeds the budget.
    static func plan(_ catalog: CacheCatalog, days: Int64?, now: Date, exists: (String) -> Bool) -> Plan {
        var caches = [(name: String, reason: String, bytes: Int64)]()
        var remaining = [CacheCatalog.Cache]()
        for cache in catalog.caches {
            let idle = cache.lastUsedAt.map { now.timeIntervalSince($0) } ?? .infinity
            if let days, idle >= Double(days) * 86400 {
                let age = idle.isFinite ? "unused for \(Int(idle / 86400)) day(s)" : "never used"
                caches.append((cache.volume.name, age, cache.sizeBytes ?? 0))
            } else {
                remaining.append(cache)
            }
        }
        var total = remaining.reduce(Int64(0)) { $0 + ($1.sizeBytes ?? 0) }
        let limit = catalog.usage.limitBytes
        if limit > 0, total > limit {
            let oldestFirst = remaining.sorted {
                ($0.lastUsedAt ?? .distantPast, $0.volume.name) < ($1.lastUsedAt ?? .distantPast, $1.volume.name)
            }
            for cache in oldestFirst where total > limit {
                caches.append((cache.volume.name, "least recently used, over the cache budget", cache.sizeBytes ?? 0))
                total -= cache.sizeBytes ?? 0
            }
        }
        let homes = catalog.homes.filter { !$0.project.hasPrefix("/") || !exists($0.project) }.map {
            (name: $0.volume.name, project: $0.project)
        }
        return Plan(caches: caches, homes: homes)
    }
}
