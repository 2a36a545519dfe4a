import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Approvals of project policy files: `<state>/trust.json`, mode 0600, mapping the canonical
/// path of each approved file to the SHA-256 of the exact bytes approved. Any change to the
/// file, even one byte, changes the hash and revokes the approval.
///
/// A missing store is empty; a corrupt one is treated as empty (nothing is approved) and
/// reported, and is only replaced when the user approves something.
package struct TrustStore {
    package struct Approval: Equatable {
        package let sha256: String
        package let approvedAt: String

        /// Creates a value from its parts.
        package init(sha256: String, approvedAt: String) {
            self.sha256 = sha256
            self.approvedAt = approvedAt
        }
    }

    package let state: StateDirectory
    package let path: String
    package let lockPath: String
    /// Where approvals are read from (writes always go to the disk).
    package let files: any HostFiles

    package init(state: StateDirectory, files: any HostFiles = DiskFiles()) {
        self.state = state
        self.files = files
        path = state.file("trust.json")
        lockPath = state.file("trust.lock")
    }

    /// The approvals on disk and, when the file is unreadable, a warning.
    package func load() -> ([String: Approval], Diagnostic?) {
        guard case .bytes(let bytes) = files.read(path) else { return ([:], nil) }
        let data = Data(bytes)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let approvals = object["approvals"] as? [String: Any]
        else {
            return ([:], .trustStoreCorrupt(path))
        }
        var result = [String: Approval]()
        for (file, entry) in approvals {
            guard let fields = entry as? [String: Any], let sha = fields["sha256"] as? String,
                sha.utf8.count == 64
            else { continue }
            result[file] = Approval(sha256: sha, approvedAt: fields["approved_at"] as? String ?? "")
        }
        return (result, nil)
    }

    /// Whether exactly these bytes of the file at `canonicalPath` were approved.
    package func isApproved(_ canonicalPath: String, sha256: String) -> Bool {
        load().0[canonicalPath]?.sha256 == sha256
    }

    /// Records an approval, serialised with other mino processes and written atomically.
    package func approve(_ canonicalPath: String, sha256: String, at date: Date) throws(StateError) {
        do {
            try FileLock.withLock(lockPath) {
                var approvals = load().0
                approvals[canonicalPath] = Approval(
                    sha256: sha256, approvedAt: Timestamp.format(date))
                var entries = [String: JSONValue]()
                for (file, approval) in approvals {
                    entries[file] = .object([
                        "sha256": .string(approval.sha256), "approved_at": .string(approval.approvedAt),
                    ])
                }
                let document = JSONValue.object(["version": .integer(1), "approvals": .object(entries)])
                try AtomicFile.write(Data((document.rendered(pretty: true) + "\n").utf8), to: path, mode: 0o600)
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(path: path, reason: "cannot record the approval")
        }
    }
}

extension TrustStore {
    /// Approves, creating the state directory first; a failure is the command's error.
    package func record(_ canonicalPath: String, sha256: String) throws(ExecutorFailure) {
        do {
            try state.ensure()
            try approve(canonicalPath, sha256: sha256, at: Date())
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.trustStoreUnwritable(error.path, reason: error.reason)])
        }
    }
}

extension Diagnostic {
    package static func trustStoreUnwritable(_ path: String, reason: String) -> Diagnostic {
        .error(
            "trust.store-unwritable", "cannot record the approval in `\(path)`: \(reason)",
            help: "check the permissions of the state directory")
    }

    package static func trustStoreCorrupt(_ path: String) -> Diagnostic {
        .warning(
            "trust.store-unreadable", "the trust store `\(path)` is unreadable; no project file counts as approved",
            help: "approve the project files you use again; the store is rewritten on the next approval")
    }
}
