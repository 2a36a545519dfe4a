/// Host paths that hold credentials and must never be visible to a sandbox unless the user's
/// own configuration says so.
import Diagnostics

enum SensitivePaths {
    /// Relative to the invoking user's home.
    static let relativeToHome = [
        ".ssh", ".aws", ".gnupg", ".config/gcloud", ".azure", ".netrc", ".docker", ".kube", ".config/gh",
        "Library/Keychains",
    ]

    /// The sensitive paths under `home`, as absolute paths.
    static func paths(home: String) -> [String] {
        let base = home.hasSuffix("/") ? String(home.dropLast()) : home
        return relativeToHome.map { base + "/" + $0 }
    }

    /// The sensitive path that `path` equals, lies inside, or contains (so exposing `path`
    /// exposes it), or `nil`. Components are compared case-insensitively, because macOS
    /// volumes usually are.
    static func exposed(by path: String, home: String) -> String? {
        let candidate = Validation.components(of: path).map { $0.lowercased() }
        for sensitive in paths(home: home) {
            let protected = Validation.components(of: sensitive).map { $0.lowercased() }
            let shorter = min(candidate.count, protected.count)
            if Array(candidate.prefix(shorter)) == Array(protected.prefix(shorter)) { return sensitive }
        }
        return nil
    }

    /// Whether `path` lies strictly inside `directory` (component-wise).
    static func isInside(_ path: String, _ directory: String) -> Bool {
        let inner = Validation.components(of: path)
        let outer = Validation.components(of: directory)
        return inner.count > outer.count && Array(inner.prefix(outer.count)) == outer
    }
}
