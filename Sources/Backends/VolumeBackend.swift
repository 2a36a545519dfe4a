import Diagnostics
import PolicyModel

/// The `podman volume create` argv for mino's own volumes, with the labels that let
/// `mino cache` find them again: cache volumes (`io.mino.cache*`) and home volumes
/// (`io.mino.home*`).
///
/// No `--ignore` (podman 4.3 lacks it): the executor creates a volume only after finding it
/// missing, and a run that loses the race to another finds the volume there afterwards.
public enum VolumeBackend {
    /// Label keys.
    public enum Label {
        public static let cache = "io.mino.cache"
        public static let cacheEcosystem = "io.mino.cache.ecosystem"
        public static let cacheHash = "io.mino.cache.hash"
        public static let cacheState = "io.mino.cache.state"
        public static let cacheCreatedAt = "io.mino.cache.created_at"
        /// The real path of the project a cache volume is bound to; absent on shared caches.
        public static let cacheProject = "io.mino.cache.project"
        public static let home = "io.mino.home"
        public static let homeProject = "io.mino.home.project"
        public static let homeCreatedAt = "io.mino.home.created_at"
    }

    /// Creates a cache volume, labelled `building`.
    public static func createCache(_ volume: CacheVolume, key: String, createdAt: String) -> Result<
        [String], DiagnosticError
    > {
        var labels = [
            (Label.cache, "true"), (Label.cacheEcosystem, volume.ecosystem), (Label.cacheHash, key),
            (Label.cacheState, "building"), (Label.cacheCreatedAt, createdAt),
        ]
        if let project = volume.project { labels.append((Label.cacheProject, project)) }
        return create(volume.volumeName, labels: labels)
    }

    /// Creates a project's home volume.
    public static func createHome(_ name: String, project: String, createdAt: String) -> Result<
        [String], DiagnosticError
    > {
        create(
            name,
            labels: [(Label.home, "true"), (Label.homeProject, project), (Label.homeCreatedAt, createdAt)])
    }

    private static func create(_ name: String, labels: [(String, String)]) -> Result<[String], DiagnosticError> {
        var diagnostics = [Diagnostic]()
        if let problem = Validation.volumeName(name, origin: nil) { diagnostics.append(problem) }
        var argv = ["volume", "create"]
        for (key, value) in labels {
            if Validation.hasControlCharacter(value) {
                diagnostics.append(.backendInvalidLabel(key, value))
            }
            argv += ["--label", key + "=" + value]
        }
        guard diagnostics.isEmpty else { return .failure(DiagnosticError(diagnostics)) }
        return .success(argv + [name])
    }
}

extension Diagnostic {
    static func backendInvalidLabel(_ key: String, _ value: String) -> Diagnostic {
        .error(
            "backend.invalid-label", "label `\(key)` would hold control characters (`\(shown(value))`)",
            help: "rename the project directory so its path has no control characters")
    }
}
