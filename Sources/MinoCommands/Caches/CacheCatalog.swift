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

/// A snapshot of mino's cache and home volumes with their state, size and last use: what the
/// `mino cache` commands show and act on.
struct CacheCatalog {
    struct Cache: Equatable {
        var volume: VolumeInfo
        var ecosystem: String
        var key: String
        /// The real path of the project the volume is bound to; `nil` when shared between projects.
        var project: String? = nil
        var state: CacheRecord.State
        var sizeBytes: Int64?
        var createdAt: Date?
        /// From the record, else the creation time.
        var lastUsedAt: Date?
    }

    struct Home: Equatable {
        var volume: VolumeInfo
        var project: String
        var createdAt: Date?
        var sizeBytes: Int64?
    }

    var caches: [Cache]
    var homes: [Home]
    var usage: CacheUsage

    /// Reads everything from podman and the cache records.
    static func load(_ tools: CacheTools) throws(CommandFailure) -> CacheCatalog {
        let volumes = try CommandFailure.mapping { () throws(ExecutorFailure) in try tools.inventory.list() }
        let sizes = tools.inventory.sizes(of: volumes)
        var caches = [Cache]()
        var homes = [Home]()
        for volume in volumes {
            let labels = volume.labels
            if volume.isCache {
                let record = tools.records.load(volume.name)
                let created =
                    SessionRecord.date(labels[VolumeBackend.Label.cacheCreatedAt]) ?? volume.createdAt
                let labelState: CacheRecord.State =
                    labels[VolumeBackend.Label.cacheState] == "complete" ? .complete : .building
                caches.append(
                    Cache(
                        volume: volume, ecosystem: labels[VolumeBackend.Label.cacheEcosystem] ?? "?",
                        key: labels[VolumeBackend.Label.cacheHash] ?? "",
                        project: labels[VolumeBackend.Label.cacheProject], state: record?.state ?? labelState,
                        sizeBytes: sizes[volume.name], createdAt: created, lastUsedAt: record?.lastUsedAt ?? created))
            } else if volume.isHome {
                homes.append(
                    Home(
                        volume: volume, project: labels[VolumeBackend.Label.homeProject] ?? "",
                        createdAt: SessionRecord.date(labels[VolumeBackend.Label.homeCreatedAt]) ?? volume.createdAt,
                        sizeBytes: sizes[volume.name]))
            }
        }
        let total = caches.reduce(Int64(0)) { $0 + ($1.sizeBytes ?? 0) }
        return CacheCatalog(
            caches: caches, homes: homes, usage: CacheUsage(totalBytes: total, limitGigabytes: tools.limitGigabytes))
    }
}

/// What every `mino cache` command works with: podman's volumes, the cache records and the
/// cache settings of the global configuration.
struct CacheTools {
    let executor: Executor
    let inventory: VolumeInventory
    let records: CacheRecordStore
    /// `cache.max_total_gb`.
    let limitGigabytes: Int64
    /// `cache.gc_days`.
    let gcDays: Int64
    /// `cache.shared`: new runs share cache volumes between projects.
    let sharedCaches: Bool

    init(parsed: ParsedCommand, context: CommandContext) throws(CommandFailure) {
        let (global, _) = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try ConfigFileReader.loadGlobal(ConfigLocations(parsed: parsed, context: context))
        }
        let config = EffectiveConfig(layers: [.defaults, global])
        func integer(_ name: String) -> Int64 {
            if case .integer(let value)? = config.value(name) { return value }
            return 0
        }
        let executor = try Executor(context: context)
        self.executor = executor
        let info = try CommandFailure.mapping { () throws(ExecutorFailure) in try executor.podman.info() }
        inventory = VolumeInventory(podman: executor.podman, rootless: info.rootless)
        records = CacheRecordStore(state: executor.state)
        limitGigabytes = integer("cache.max_total_gb")
        gcDays = integer("cache.gc_days")
        sharedCaches = LockfileScanner.isShared(config)
    }

    /// Removes a volume unless a container uses it; returns why it was kept, or `nil`.
    func removeUnlessUsed(_ name: String) throws(CommandFailure) -> String? {
        let users = try CommandFailure.mapping { () throws(ExecutorFailure) in try inventory.users(of: name) }
        guard users.isEmpty else {
            return "in use by " + users.map { $0.name.isEmpty ? $0.id : $0.name }.joined(separator: ", ")
        }
        try CommandFailure.mapping { () throws(ExecutorFailure) in try inventory.remove(name) }
        records.remove(name)
        return nil
    }
}
