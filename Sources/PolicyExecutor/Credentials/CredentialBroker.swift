import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Gathers the credentials a session asks for, in order AWS, Google Cloud, Azure, GitHub,
/// each from the cache when fresh, else from its CLI with a timeout. A failing provider never
/// stops the others; with `--strict-credentials` the run is refused afterwards.
package struct CredentialBroker {
    /// The result of one gathering.
    package struct Outcome {
        /// Values for podman's environment, by variable name.
        package var values: [String: String] = [:]
        /// The providers that delivered, with expiry (for the audit log).
        package var injected: [(provider: String, expiresAt: Date?)] = []
        /// The providers that failed.
        package var failures: [CredentialFailure] = []
        /// Cache warnings.
        package var warnings: [Diagnostic] = []

        /// Creates a value from its parts.
        package init(
            values: [String: String] = [:], injected: [(provider: String, expiresAt: Date?)] = [],
            failures: [CredentialFailure] = [], warnings: [Diagnostic] = []
        ) {
            self.values = values
            self.injected = injected
            self.failures = failures
            self.warnings = warnings
        }
    }

    package let context: CredentialContext
    package let cache: CredentialCache

    /// Creates a value from its parts.
    package init(context: CredentialContext, cache: CredentialCache) {
        self.context = context
        self.cache = cache
    }

    /// The providers the request turns on, in order.
    package static func providers(for request: CredentialRequest) -> [any CredentialProvider] {
        func options(_ values: [String: Sourced<String>]) -> [String: String] { values.mapValues(\.value) }
        var providers = [any CredentialProvider]()
        if request.aws.value { providers.append(AWSCredentialProvider(options: options(request.awsOptions))) }
        if request.gcp.value { providers.append(GCPCredentialProvider(options: options(request.gcpOptions))) }
        if request.azure.value { providers.append(AzureCredentialProvider(options: options(request.azureOptions))) }
        if request.github.value { providers.append(GitHubCredentialProvider(host: request.githubHost.value)) }
        return providers
    }

    package func gather(_ request: CredentialRequest) -> Outcome {
        var outcome = Outcome()
        for provider in Self.providers(for: request) {
            let identity = provider.identity(environment: context.environment)
            if let identity {
                let (cached, warning) = cache.load(provider: provider.name, identity: identity, now: context.now)
                if let warning { outcome.warnings.append(warning) }
                if let cached {
                    outcome.values.merge(cached.values) { $1 }
                    outcome.injected.append((provider.name, cached.expiresAt))
                    continue
                }
            }
            do {
                let fetched = try provider.fetch(context)
                outcome.values.merge(fetched.values) { $1 }
                outcome.injected.append((provider.name, fetched.expiresAt))
                if let identity {
                    do {
                        try cache.store(fetched, provider: provider.name, identity: identity)
                    } catch {
                        outcome.warnings.append(.stateUnusable(error.path, reason: error.reason))
                    }
                }
            } catch {
                outcome.failures.append(error)
            }
        }
        return outcome
    }
}

extension Diagnostic {
    package static func credentialFailed(_ failure: CredentialFailure, strict: Bool) -> Diagnostic {
        Diagnostic(
            strict ? .error : .warning, "credentials.provider-failed",
            "\(failure.provider) credentials unavailable: \(failure.message)",
            help: failure.help.map { $0 + (strict ? "" : "; the session starts without them") }
                ?? (strict ? nil : "the session starts without them"))
    }

    package static func credentialsStrict(_ providers: [String]) -> Diagnostic {
        .error(
            "credentials.strict", "credentials failed for " + providers.map { "`\($0)`" }.joined(separator: ", "),
            help: "fix them, or run without --strict-credentials to start without them")
    }
}
