import Backends
import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML

/// One podman volume as `podman volume ls --format json` describes it.
struct VolumeInfo: Equatable {
    var name: String
    var labels: [String: String]
    var mountpoint: String
    var createdAt: Date?

    var isCache: Bool { name.hasPrefix(CacheEcosystem.volumePrefix) && labels[VolumeBackend.Label.cache] == "true" }
    var isHome: Bool { name.hasPrefix("mino-home-") && labels[VolumeBackend.Label.home] == "true" }
}

/// A container that uses a volume.
struct VolumeUser: Equatable {
    var id: String
    var name: String
    /// Whether it is a mino session's container (`io.mino.session` label).
    var isMino: Bool
}

/// mino's volumes in podman: listing, creation, sizes, use and removal.
///
/// Removal never forces: podman refuses to remove a volume any container (running or not)
/// still uses, and callers check `users` first so that they can say which container it is.
struct VolumeInventory {
    let podman: PodmanClient
    /// Whether podman runs rootless (sizes are then measured inside its user namespace,
    /// where files the container's users created are readable).
    let rootless: Bool

    /// mino's cache and home volumes, by name.
    func list() throws(CommandFailure) -> [VolumeInfo] {
        let output = try podman.run(["volume", "ls", "--format", "json"], timeout: .seconds(60)).output
        guard let items = try? JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]] else {
            return []
        }
        return items.compactMap(Self.volume).filter { $0.isCache || $0.isHome }.sorted { $0.name < $1.name }
    }

    /// The volume, or `nil` when it does not exist.
    func inspect(_ name: String) throws(CommandFailure) -> VolumeInfo? {
        let result: ProcessResult
        do {
            result = try podman.runner.run(
                ProcessSpec(
                    "podman", ["volume", "inspect", "--format", "json", name], environment: podman.environment),
                timeout: .seconds(60))
        } catch {
            throw CommandFailure(exitCode: .failure, diagnostics: [.podmanUnavailable(error)])
        }
        guard result.succeeded,
            let items = try? JSONSerialization.jsonObject(with: Data(result.output)) as? [[String: Any]]
        else { return nil }
        return items.first.flatMap(Self.volume)
    }

    /// Runs a `podman volume create` argv from `VolumeBackend`.
    func create(_ argv: Result<[String], DiagnosticError>) throws(CommandFailure) {
        switch argv {
        case .success(let arguments):
            do {
                try podman.run(arguments, timeout: .seconds(60))
            } catch {
                // Another run created it between our inspect and create: that volume is used.
                guard let name = arguments.last, (try? inspect(name)) != nil else { throw error }
            }
        case .failure(let error): throw CommandFailure(exitCode: .failure, diagnostics: error.diagnostics)
        }
    }

    /// The containers, running or stopped, that use a volume.
    func users(of name: String) throws(CommandFailure) -> [VolumeUser] {
        let output = try podman.run(
            ["ps", "--all", "--filter", "volume=" + name, "--format", "json"], timeout: .seconds(60)
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
    func remove(_ name: String) throws(CommandFailure) {
        try podman.run(["volume", "rm", name], timeout: .seconds(120))
    }

    /// Bytes used by each volume, by name; volumes that cannot be measured are missing.
    func sizes(of volumes: [VolumeInfo]) -> [String: Int64] {
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
