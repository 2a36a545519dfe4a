import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Cached short-lived credentials: `<state>/credentials/<provider>-<identity hash>.json`,
/// directory 0700, files 0600, written atomically.
///
/// The key covers the provider and its identity (profile, role, external id, account,
/// tenant…), so switching identity never reuses another identity's session. An entry is served
/// only while it has more than `refreshMargin` left; expired or unreadable entries are deleted.
package struct CredentialCache {
    package let directory: String
    /// Credentials with less than this left are fetched again.
    package static let refreshMargin: TimeInterval = 5 * 60

    package init(state: StateDirectory) {
        directory = state.file("credentials")
    }

    package func path(provider: String, identity: [String: String]) -> String {
        let canonical = JSONValue.object(identity.mapValues { .string($0) }).rendered()
        let key = SHA256.hash(Array((provider + "\n" + canonical).utf8)).hex.prefix(24)
        return directory + "/\(provider)-\(key).json"
    }

    /// Creates the directory if needed and forces it private.
    package func ensure() throws(StateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateError(path: directory, reason: "cannot create the credential cache")
        }
        chmod(directory, 0o700)
    }

    /// A fresh entry, or `nil`; a corrupt entry is deleted and reported.
    package func load(provider: String, identity: [String: String], now: Date) -> (FetchedCredential?, Diagnostic?) {
        let file = path(provider: provider, identity: identity)
        guard let data = FileManager.default.contents(atPath: file) else { return (nil, nil) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let values = object["values"] as? [String: String], !values.isEmpty,
            let expiry = (object["expires_at"] as? String).flatMap(CredentialTime.rfc3339)
        else {
            unlink(file)
            return (nil, .credentialCacheCorrupt(provider: provider, path: file))
        }
        guard expiry.timeIntervalSince(now) > Self.refreshMargin else {
            unlink(file)
            return (nil, nil)
        }
        return (FetchedCredential(values: values, expiresAt: expiry), nil)
    }

    /// Stores credentials that have an expiry (others are not cached).
    package func store(_ credential: FetchedCredential, provider: String, identity: [String: String]) throws(StateError)
    {
        guard let expiry = credential.expiresAt else { return }
        try ensure()
        let document = JSONValue.object([
            "provider": .string(provider), "identity": .object(identity.mapValues { .string($0) }),
            "expires_at": .string(SessionRecord.timestamp(expiry)),
            "values": .object(credential.values.mapValues { .string($0) }),
        ])
        try AtomicFile.write(
            Data((document.rendered(pretty: true) + "\n").utf8), to: path(provider: provider, identity: identity),
            mode: 0o600)
    }
}

extension Diagnostic {
    package static func credentialCacheCorrupt(provider: String, path: String) -> Diagnostic {
        .warning(
            "credentials.cache-corrupt", "discarded an unreadable cached \(provider) credential `\(path)`",
            help: "it will be fetched again")
    }
}
