import Diagnostics
import PolicyModel
import TOML

/// Reads `HOST:CONTAINER[:OPTIONS]` volume specs into structured mounts and refuses the ones
/// that would expose a credential store.
public enum VolumeSyntax {
    /// Options a volume may carry.
    public static let allowedOptions: Set<String> = [
        "ro", "rw", "z", "Z", "nosuid", "nodev", "noexec", "suid", "dev", "exec", "U", "O",
        "shared", "rshared", "slave", "rslave", "private", "rprivate", "bind", "rbind",
    ]

    /// Home-relative paths that hold credentials; mounting them (or anything inside or above
    /// them) needs an explicit allowance in the user's global config.
    public static let sensitivePaths = [
        ".ssh", ".aws", ".azure", ".config/gh", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc",
    ]

    /// Parses one spec. `home` expands a leading `~`. `allowed` lists the sensitive paths the
    /// global config allows (`["*"]` allows all).
    public static func parse(
        _ spec: Sourced<String>, home: String, allowed: Set<String>
    ) -> Result<Mount, DiagnosticError> {
        let text = spec.value
        func failure(_ reason: String) -> Result<Mount, DiagnosticError> {
            .failure(DiagnosticError(.invalidVolume(text, reason: reason, at: spec.origin)))
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return failure("it contains control characters")
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            return failure("expected HOST:CONTAINER or HOST:CONTAINER:OPTIONS")
        }
        var host = parts[0]
        let target = parts[1]
        let options =
            parts.count == 3 ? parts[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        if host == "~" || host.hasPrefix("~/") { host = home + host.dropFirst(1) }
        guard !host.isEmpty else { return failure("the host side is empty") }
        guard target.hasPrefix("/"), !target.contains(","), normalised(target) == target || target == "/" else {
            return failure("the container path must be absolute and normalised")
        }
        for option in options where !allowedOptions.contains(option) {
            return failure("unknown option `\(option)`")
        }
        let source: Mount.Source
        if host.hasPrefix("/") {
            guard !host.contains(",") else { return failure("the host path contains `,`") }
            let path = normalised(host)
            if let store = sensitiveStore(path, home: home), !allowed.contains(store), !allowed.contains("*") {
                return .failure(DiagnosticError(.sensitiveVolume(text, store: store, at: spec.origin)))
            }
            source = .hostPath(path)
        } else {
            let valid =
                host.first != "-" && host.first != "."
                && host.utf8.allSatisfy { byte in
                    (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                        || byte == 95 || byte == 45 || byte == 46
                }
            guard valid else { return failure("a named volume may hold only A-Z a-z 0-9 _ . and -") }
            source = .volume(host)
        }
        return .success(Mount(source: source, target: target, options: options, origin: spec.origin))
    }

    /// The sensitive store `path` exposes: the path is the store, inside it, or a parent of it
    /// (mounting the whole home directory exposes `~/.ssh`).
    public static func sensitiveStore(_ path: String, home: String) -> String? {
        for store in sensitivePaths {
            let full = normalised(home + "/" + store)
            if path == full || path.hasPrefix(full + "/") || full.hasPrefix(path == "/" ? "/" : path + "/") {
                return store
            }
        }
        return nil
    }

    /// `.`/`..`/empty components removed lexically.
    static func normalised(_ path: String) -> String {
        var parts = [Substring]()
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
