/// A package ecosystem whose downloads mino keeps in a content-addressed volume.
///
/// Each ecosystem has its own volume and its own mount, `/cache/<id>`; every variable it sets
/// points inside that mount, so several ecosystems in one project never share a path.
import Diagnostics
import PolicyModel
import TOML

public struct CacheEcosystem: Hashable, Sendable {
    /// `npm`, `cargo`, … (also the mount's last path component).
    public let id: String
    /// Lockfile names in the project root, in priority order: the first regular file wins.
    public let lockfiles: [String]
    /// The ecosystem's own variables, relative to its mount (`""` is the mount itself).
    public let variables: [(name: String, subpath: String)]
    /// Variables another ecosystem owns that this one also uses (yarn and pnpm run npm; poetry
    /// runs pip); set only when the owning ecosystem is not in the project.
    public let borrowedVariables: [(name: String, subpath: String)]

    /// Where the volume is mounted in the container.
    public var target: String { "/cache/" + id }

    public static func == (lhs: CacheEcosystem, rhs: CacheEcosystem) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Every ecosystem, in detection order.
    public static let all: [CacheEcosystem] = [
        CacheEcosystem(
            id: "npm", lockfiles: ["package-lock.json", "npm-shrinkwrap.json"],
            variables: [("npm_config_cache", "")], borrowedVariables: []),
        CacheEcosystem(
            id: "yarn", lockfiles: ["yarn.lock"], variables: [("YARN_CACHE_FOLDER", "")],
            borrowedVariables: [("npm_config_cache", "npm")]),
        CacheEcosystem(
            id: "pnpm", lockfiles: ["pnpm-lock.yaml"], variables: [("PNPM_HOME", "")],
            borrowedVariables: [("npm_config_cache", "npm")]),
        CacheEcosystem(
            id: "cargo", lockfiles: ["Cargo.lock"], variables: [("CARGO_HOME", ""), ("SCCACHE_DIR", "sccache")],
            borrowedVariables: []),
        CacheEcosystem(
            id: "pip", lockfiles: ["requirements.txt", "Pipfile.lock"], variables: [("PIP_CACHE_DIR", "")],
            borrowedVariables: []),
        CacheEcosystem(
            id: "poetry", lockfiles: ["poetry.lock"], variables: [("POETRY_CACHE_DIR", "")],
            borrowedVariables: [("PIP_CACHE_DIR", "pip")]),
        CacheEcosystem(id: "uv", lockfiles: ["uv.lock"], variables: [("UV_CACHE_DIR", "")], borrowedVariables: []),
        CacheEcosystem(
            id: "go", lockfiles: ["go.sum"], variables: [("GOMODCACHE", "mod"), ("GOCACHE", "build")],
            borrowedVariables: []),
    ]

    /// The ecosystem with this id.
    public static func named(_ id: String) -> CacheEcosystem? { all.first { $0.id == id } }

    /// The prefix of every cache volume name.
    public static let volumePrefix = "mino-cache-"

    /// `mino-cache-<id>-<key>` for a cache shared between projects, `mino-cache-<id>-<key>-<project>`
    /// for one bound to the project at the real path `project` (see `projectKey`).
    public func volumeName(key: String, project: String? = nil) -> String {
        let shared = Self.volumePrefix + id + "-" + key
        guard let project else { return shared }
        return shared + "-" + Self.projectKey(project)
    }

    /// The project part of a project-bound volume name: the first 8 hexadecimal digits of the
    /// SHA-256 of the project's real path.
    public static func projectKey(_ project: String) -> String {
        String(SHA256.hash(Array(project.utf8)).hex.prefix(8))
    }
}
