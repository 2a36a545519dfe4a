import Diagnostics
import PolicyModel
import TOML

/// A lockfile found in the project root.
public struct Lockfile: Hashable, Sendable {
    /// The ecosystem it belongs to.
    public let ecosystem: CacheEcosystem
    /// Its file name (`Cargo.lock`).
    public let fileName: String
    /// The cache key: the first 12 hexadecimal digits of the SHA-256 of its bytes.
    public let key: String

    /// A lockfile with the given content.
    public init(ecosystem: CacheEcosystem, fileName: String, contents: some Sequence<UInt8>) {
        self.init(ecosystem: ecosystem, fileName: fileName, key: String(SHA256.hash(contents).hex.prefix(12)))
    }

    /// A lockfile whose key is already known.
    public init(ecosystem: CacheEcosystem, fileName: String, key: String) {
        self.ecosystem = ecosystem
        self.fileName = fileName
        self.key = key
    }

    /// `mino-cache-<ecosystem>-<key>` when shared between projects, with `-<project key>` appended
    /// when bound to the project at the real path `project`.
    public func volumeName(project: String?) -> String { ecosystem.volumeName(key: key, project: project) }
}

/// Lockfile detection and the cache volumes it implies; pure, so the reading is the caller's.
public enum LockfileDetection {
    /// The lockfiles in a project root, at most one per ecosystem, in detection order.
    /// `read(name)` returns the bytes of the regular file `name` in the root, or `nil` when
    /// there is none; its errors propagate.
    public static func detect<Failure: Error>(read: (String) throws(Failure) -> [UInt8]?) throws(Failure)
        -> [Lockfile]
    {
        var found = [Lockfile]()
        for ecosystem in CacheEcosystem.all {
            for name in ecosystem.lockfiles {
                guard let bytes = try read(name) else { continue }
                found.append(Lockfile(ecosystem: ecosystem, fileName: name, contents: bytes))
                break
            }
        }
        return found
    }

    /// The volumes for these lockfiles, with their variables. An ecosystem's own variables
    /// win over ones it borrows; `XDG_CACHE_HOME` goes under the first cache's mount. `project`
    /// (the project's real path) binds the volumes to that project; `nil` shares them between
    /// every project with the same lockfile.
    public static func volumes(for lockfiles: [Lockfile], project: String?) -> [CacheVolume] {
        let owned = Set(lockfiles.flatMap { $0.ecosystem.variables.map(\.name) })
        var volumes = [CacheVolume]()
        for (index, lockfile) in lockfiles.enumerated() {
            let ecosystem = lockfile.ecosystem
            var environment = [String: String]()
            for (name, subpath) in ecosystem.variables {
                environment[name] = path(ecosystem.target, subpath)
            }
            for (name, subpath) in ecosystem.borrowedVariables where !owned.contains(name) {
                // Borrowed by several (yarn and pnpm both borrow npm's): the first one sets it.
                let earlier = lockfiles[..<index].contains { other in
                    other.ecosystem.borrowedVariables.contains { $0.name == name }
                }
                if !earlier { environment[name] = path(ecosystem.target, subpath) }
            }
            if index == 0 { environment["XDG_CACHE_HOME"] = ecosystem.target + "/xdg" }
            volumes.append(
                CacheVolume(
                    ecosystem: ecosystem.id, volumeName: lockfile.volumeName(project: project),
                    environment: environment, lockfile: lockfile.fileName, project: project))
        }
        return volumes
    }

    private static func path(_ target: String, _ subpath: String) -> String {
        subpath.isEmpty ? target : target + "/" + subpath
    }
}
