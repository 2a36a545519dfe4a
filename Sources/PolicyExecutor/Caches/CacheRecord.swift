import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// What mino knows about one cache volume beyond its (immutable) podman labels:
/// `<state>/cache/<volume>.json`.
///
/// A cache is `building` from creation until a session that used it exits with status 0,
/// then `complete`. A crashed session leaves it `building`, and the next run reuses it.
/// `lastUsedAt` orders eviction when the caches exceed their budget.
package struct CacheRecord: Equatable {
    package enum State: String {
        case building, complete
    }

    package var volumeName: String
    package var ecosystem: String
    package var key: String
    package var state: State
    package var createdAt: Date
    package var updatedAt: Date
    package var lastUsedAt: Date

    package var json: JSONValue {
        .object([
            "volume_name": .string(volumeName), "ecosystem": .string(ecosystem), "hash": .string(key),
            "state": .string(state.rawValue), "created_at": .string(SessionRecord.timestamp(createdAt)),
            "updated_at": .string(SessionRecord.timestamp(updatedAt)),
            "last_used_at": .string(SessionRecord.timestamp(lastUsedAt)),
        ])
    }

    package init(volumeName: String, ecosystem: String, key: String, state: State, now: Date) {
        self.volumeName = volumeName
        self.ecosystem = ecosystem
        self.key = key
        self.state = state
        self.createdAt = now
        self.updatedAt = now
        self.lastUsedAt = now
    }

    /// Reads a record; `last_used_at` falls back to `updated_at` (records of older versions).
    package init?(json data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let name = object["volume_name"] as? String, let ecosystem = object["ecosystem"] as? String,
            let state = (object["state"] as? String).flatMap(State.init(rawValue:)),
            let created = SessionRecord.date(object["created_at"] as? String)
        else { return nil }
        self.volumeName = name
        self.ecosystem = ecosystem
        self.key = object["hash"] as? String ?? ""
        self.state = state
        self.createdAt = created
        self.updatedAt = SessionRecord.date(object["updated_at"] as? String) ?? created
        self.lastUsedAt = SessionRecord.date(object["last_used_at"] as? String) ?? updatedAt
    }
}

/// The cache records in `<state>/cache`, one file per volume, written atomically (0600).
package struct CacheRecordStore {
    package let directory: String

    package init(state: StateDirectory) {
        directory = state.file("cache")
    }

    package func path(_ volume: String) -> String { directory + "/" + volume + ".json" }

    /// The record, or `nil` when there is none or it does not parse (the labels decide then).
    package func load(_ volume: String) -> CacheRecord? {
        FileManager.default.contents(atPath: path(volume)).flatMap(CacheRecord.init(json:))
    }

    package func save(_ record: CacheRecord) throws(StateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateError(path: directory, reason: "cannot create the cache state directory")
        }
        try AtomicFile.write(Data((record.json.rendered(pretty: true) + "\n").utf8), to: path(record.volumeName))
    }

    package func remove(_ volume: String) {
        unlink(path(volume))
    }
}
