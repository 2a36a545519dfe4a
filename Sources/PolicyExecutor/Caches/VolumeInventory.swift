import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// One podman volume as `podman volume ls --format json` describes it.
package struct VolumeInfo: Equatable {
    package var name: String
    package var labels: [String: String]
    package var mountpoint: String
    package var createdAt: Date?

    /// Creates a value from its parts.
    package init(name: String, labels: [String: String], mountpoint: String, createdAt: Date? = nil) {
        self.name = name
        self.labels = labels
        self.mountpoint = mountpoint
        self.createdAt = createdAt
    }

    package var isCache: Bool {
        name.hasPrefix(CacheEcosystem.volumePrefix) && labels[VolumeBackend.Label.cache] == "true"
    }
    package var isHome: Bool { name.hasPrefix("mino-home-") && labels[VolumeBackend.Label.home] == "true" }
}

/// A container that uses a volume.
package struct VolumeUser: Equatable {
    package var id: String
    package var name: String
    /// Whether it is a mino session's container (`io.mino.session` label).
    package var isMino: Bool

    /// Creates a value from its parts.
    package init(id: String, name: String, isMino: Bool) {
        self.id = id
        self.name = name
        self.isMino = isMino
    }
}

/// mino's volumes in podman: listing, creation, sizes, use and removal.
///
/// Removal never forces: podman refuses to remove a volume any container (running or not)
/// still uses, and callers check `users` first so that they can say which container it is.
package struct VolumeInventory {
    package let podman: PodmanClient
    /// Whether podman runs rootless (sizes are then measured inside its user namespace,
    /// where files the container's users created are readable).
    package let rootless: Bool

    /// Creates a value from its parts.
    package init(podman: PodmanClient, rootless: Bool) {
        self.podman = podman
        self.rootless = rootless
    }

    /// mino's cache and home volumes, by name.
    package func list() throws(ExecutorFailure) -> [VolumeInfo] {
        let output = try podman.run(PodmanCommands.volumeList, timeout: .seconds(60)).output
        guard let items = try? JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]] else {
            return []
        }
        return items.compactMap(Self.volume).filter { $0.isCache || $0.isHome }.sorted { $0.name < $1.name }
    }

    /// The volume, or `nil` when it does not exist.
    package func inspect(_ name: String) throws(ExecutorFailure) -> VolumeInfo? {
        let result: ProcessResult
        do {
            result = try podman.runner.run(
                ProcessSpec(
                    "podman", PodmanCommands.volumeInspect(name), environment: podman.environment),
                timeout: .seconds(60))
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.succeeded,
            let items = try? JSONSerialization.jsonObject(with: Data(result.output)) as? [[String: Any]]
        else { return nil }
        return items.first.flatMap(Self.volume)
    }

    /// Runs a `podman volume create` argv from `VolumeBackend`.
    package func create(_ argv: Result<[String], DiagnosticError>) throws(ExecutorFailure) {
        switch argv {
        case .success(let arguments):
            do {
                try podman.run(arguments, timeout: .seconds(60))
            } catch {
                // Another run created it between our inspect and create: that volume is used.
                guard let name = arguments.last, (try? inspect(name)) != nil else { throw error }
            }
        case .failure(let error): throw ExecutorFailure(.failed, diagnostics: error.diagnostics)
        }
    }

    /// The containers, running or stopped, that use a volume.
    package func users(of name: String) throws(ExecutorFailure) -> [VolumeUser] {
        let output = try podman.run(
            PodmanCommands.volumeUsers(name), timeout: .seconds(60)
        ).output
        guard let items = try? JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]] else { return [] }
        return items.map { item in
            let names = item["Names"] as? [String] ?? []
            let labels = item["Labels"] as? [String: String] ?? [:]
            return VolumeUser(
                id: String((item["Id"] as? String ?? "").prefix(12)), name: names.first ?? "",
                isMino: labels[PodmanBackend.sessionLabel] != nil)
        }
    }

    /// Removes a volume that no container uses (never with `--force`).
    package func remove(_ name: String) throws(ExecutorFailure) {
        try podman.run(PodmanCommands.volumeRemove(name), timeout: .seconds(120))
    }

    /// Bytes used by each volume, by name; volumes that cannot be measured are missing.
    package func sizes(of volumes: [VolumeInfo]) -> [String: Int64] {
        let measured = volumes.filter { $0.mountpoint.hasPrefix("/") && !$0.mountpoint.contains("\n") }
        guard !measured.isEmpty else { return [:] }
        let du = ["du", "-s", "-b", "--"] + measured.map(\.mountpoint)
        let spec =
            rootless
            ? ProcessSpec("podman", ["unshare"] + du, environment: podman.environment)
            : ProcessSpec("du", Array(du.dropFirst()), environment: podman.environment)
        // du exits non-zero when one tree is partly unreadable and still prints the others.
        guard let result = try? podman.runner.run(spec, timeout: .seconds(300)) else { return [:] }
        var byMountpoint = [String: Int64]()
        for line in result.outputText.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t"), let bytes = Int64(line[..<tab]) else { continue }
            byMountpoint[String(line[line.index(after: tab)...])] = bytes
        }
        var sizes = [String: Int64]()
        for volume in measured {
            if let bytes = byMountpoint[volume.mountpoint] { sizes[volume.name] = bytes }
        }
        return sizes
    }

    private static func volume(_ item: [String: Any]) -> VolumeInfo? {
        guard let name = item["Name"] as? String else { return nil }
        return VolumeInfo(
            name: name, labels: item["Labels"] as? [String: String] ?? [:],
            mountpoint: item["Mountpoint"] as? String ?? "",
            createdAt: SessionRecord.date(item["CreatedAt"] as? String))
    }
}
