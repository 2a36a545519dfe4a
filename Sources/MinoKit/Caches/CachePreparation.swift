import Backends
import Foundation
import PolicyCompiler
import PolicyModel

/// Gets a run's cache volumes ready before the container is created, and marks them
/// complete after a clean exit.
///
/// A cache is `building` until a session that used it exits with status 0. A session that
/// crashed leaves it `building`, and the next run reuses it as it is (package managers verify
/// what they download). `--cache-fresh` removes the volume first, so the run starts empty; it
/// refuses when another container still uses that volume.
struct CachePreparation {
    let inventory: VolumeInventory
    let records: CacheRecordStore

    /// Creates or reuses each volume; returns the names to finalise when the session exits 0.
    func prepare(_ volumes: [CacheVolume], fresh: Bool, now: Date) throws(CommandFailure) -> [String] {
        var toFinalise = [String]()
        for volume in volumes {
            var existing = try inventory.inspect(volume.volumeName)
            if fresh, existing != nil {
                let users = try inventory.users(of: volume.volumeName)
                guard users.isEmpty else {
                    throw CommandFailure(exitCode: .failure, diagnostics: [.cacheInUse(volume.volumeName, users)])
                }
                try inventory.remove(volume.volumeName)
                records.remove(volume.volumeName)
                existing = nil
            }
            let key = volume.key
            if existing == nil {
                try inventory.create(
                    VolumeBackend.createCache(volume, key: key, createdAt: SessionRecord.timestamp(now)))
            }
            var record =
                (existing == nil ? nil : records.load(volume.volumeName))
                ?? CacheRecord(
                    volumeName: volume.volumeName, ecosystem: volume.ecosystem, key: key,
                    state: existing?.labels[VolumeBackend.Label.cacheState] == "complete" ? .complete : .building,
                    now: now)
            if record.state == .building { toFinalise.append(volume.volumeName) }
            record.lastUsedAt = now
            record.updatedAt = now
            try? records.save(record)
        }
        return toFinalise
    }

    /// Marks the caches complete (after the session exited 0); a cache without a record stays
    /// `building` and is finalised by its next clean run.
    func finalise(_ names: [String], now: Date) {
        for name in names {
            guard var record = records.load(name) else { continue }
            record.state = .complete
            record.updatedAt = now
            try? records.save(record)
        }
    }
}

extension Diagnostic {
    static func cacheInUse(_ volume: String, _ users: [VolumeUser]) -> Diagnostic {
        let names = users.map { $0.name.isEmpty ? $0.id : $0.name }.joined(separator: ", ")
        return .error(
            "cache.in-use", "cache volume `\(volume)` is in use by \(names)",
            help: "stop those sessions (`mino list`, `mino stop NAME`) and try again")
    }
}
