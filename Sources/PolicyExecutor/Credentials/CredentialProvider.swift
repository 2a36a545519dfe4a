import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Short-lived credentials fetched from a provider's own CLI on the host.
package struct FetchedCredential: Equatable, Sendable {
    /// Environment variables for the sandbox, by name. INVARIANT: these values only ever go
    /// into podman's environment and the 0600 cache; never into argv, output or logs.
    package var values: [String: String]
    /// When the credentials stop working, if known.
    package var expiresAt: Date?

    /// Creates a value from its parts.
    package init(values: [String: String], expiresAt: Date? = nil) {
        self.values = values
        self.expiresAt = expiresAt
    }
}

/// Why a provider could not deliver; `message` never holds a secret.
package struct CredentialFailure: Error, Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        case notInstalled, notAuthenticated, failed, timedOut, badOutput
    }

    package var provider: String
    package var kind: Kind
    package var message: String
    package var help: String?

    /// Creates a value from its parts.
    package init(provider: String, kind: Kind, message: String, help: String? = nil) {
        self.provider = provider
        self.kind = kind
        self.message = message
        self.help = help
    }
}

/// What every provider gets: a way to run programs, the host environment, the clock.
package struct CredentialContext: Sendable {
    package var runner: any CommandRunner
    package var environment: [String: String]
    package var now: Date
    package var timeout: Duration
    package var sessionName: String

    /// Creates a value from its parts.
    package init(
        runner: any CommandRunner, environment: [String: String], now: Date, timeout: Duration, sessionName: String
    ) {
        self.runner = runner
        self.environment = environment
        self.now = now
        self.timeout = timeout
        self.sessionName = sessionName
    }
}

/// One credential source (AWS, Google Cloud, Azure, GitHub).
package protocol CredentialProvider: Sendable {
    /// `aws`, `gcp`, `azure`, `github` (as in the audit log and `mino plan`).
    var name: String { get }
    /// What distinguishes one identity from another for the cache (profile, role, tenant…),
    /// with no secret in it. `nil`: never cache.
    func identity(environment: [String: String]) -> [String: String]?
    /// Fetches fresh credentials.
    func fetch(_ context: CredentialContext) throws(CredentialFailure) -> FetchedCredential
}

extension CredentialProvider {
    /// Runs a provider CLI with the context's timeout and classifies failures: a missing
    /// program, a timeout, a non-zero exit (with the last line of its error output, which
    /// the CLIs keep free of secrets; `authenticationHints` mark "please log in" answers).
    package func runCLI(
        _ program: String, _ arguments: [String], context: CredentialContext, authenticationHints: [String],
        loginHelp: String
    ) throws(CredentialFailure) -> ProcessResult {
        let result: ProcessResult
        do {
            result = try context.runner.run(
                ProcessSpec(program, arguments, environment: context.environment), timeout: context.timeout)
        } catch {
            switch error.kind {
            case .notFound:
                throw CredentialFailure(
                    provider: name, kind: .notInstalled, message: "`\(program)` is not installed or not on PATH",
                    help: "install the \(program) CLI, or leave this provider off")
            case .timedOut:
                throw CredentialFailure(
                    provider: name, kind: .timedOut, message: "`\(program)` did not answer in time", help: loginHelp)
            case .spawnFailed:
                throw CredentialFailure(provider: name, kind: .failed, message: "cannot run `\(program)`")
            }
        }
        guard result.succeeded else {
            let error = result.errorText.lowercased()
            let line = result.errorText.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let detail = line.map { String($0.prefix(200)) } ?? "exit status \(result.status.shellStatus)"
            if authenticationHints.contains(where: { error.contains($0) }) {
                throw CredentialFailure(
                    provider: name, kind: .notAuthenticated, message: "not logged in: \(detail)", help: loginHelp)
            }
            throw CredentialFailure(provider: name, kind: .failed, message: detail, help: loginHelp)
        }
        return result
    }

    package func badOutput(_ what: String) -> CredentialFailure {
        CredentialFailure(provider: name, kind: .badOutput, message: "unexpected output: \(what)")
    }
}

/// Parses the timestamps credential CLIs print.
package enum CredentialTime {
    /// RFC 3339 with or without fractional seconds.
    package static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` in the host's local time zone (az's `expiresOn`).
    package static func localDateTime(_ text: String, timeZone: TimeZone = .current) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
