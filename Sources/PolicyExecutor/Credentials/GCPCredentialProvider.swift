import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Google Cloud through `gcloud auth print-access-token` (optionally impersonating a service
/// account). gcloud does not print the expiry; its access tokens live an hour, so mino counts
/// 55 minutes.
package struct GCPCredentialProvider: CredentialProvider {
    package let name = "gcp"
    /// `credentials.gcp.*` as written (`project`, `service_account`).
    package let options: [String: String]

    /// Creates a value from its parts.
    package init(options: [String: String]) {
        self.options = options
    }
    package static let lifetime: TimeInterval = 55 * 60

    package func identity(environment: [String: String]) -> [String: String]? {
        var identity = options
        identity["env_account"] = environment["CLOUDSDK_CORE_ACCOUNT"] ?? ""
        identity["env_config"] = environment["CLOUDSDK_ACTIVE_CONFIG_NAME"] ?? ""
        return identity
    }

    package func fetch(_ context: CredentialContext) throws(CredentialFailure) -> FetchedCredential {
        var arguments = ["auth", "print-access-token"]
        if let account = options["service_account"] { arguments.append("--impersonate-service-account=\(account)") }
        let result = try runCLI(
            "gcloud", arguments, context: context,
            authenticationHints: ["not logged in", "no active account", "reauthentication", "gcloud auth login"],
            loginHelp: "run `gcloud auth login`")
        let token = result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains("\n"), !token.contains(" ") else { throw badOutput("no access token") }
        return FetchedCredential(
            values: ["CLOUDSDK_AUTH_ACCESS_TOKEN": token], expiresAt: context.now.addingTimeInterval(Self.lifetime))
    }
}
