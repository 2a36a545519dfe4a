import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Azure through `az account get-access-token`; the expiry is read from `expires_on` (epoch
/// seconds, newer az) or `expiresOn` (local time, older az).
package struct AzureCredentialProvider: CredentialProvider {
    package let name = "azure"
    /// `credentials.azure.*` as written (`subscription`, `tenant`).
    package let options: [String: String]

    /// Creates a value from its parts.
    package init(options: [String: String]) {
        self.options = options
    }

    package func identity(environment: [String: String]) -> [String: String]? {
        var identity = options
        identity["env_config_dir"] = environment["AZURE_CONFIG_DIR"] ?? ""
        return identity
    }

    package func fetch(_ context: CredentialContext) throws(CredentialFailure) -> FetchedCredential {
        var arguments = ["account", "get-access-token", "--output", "json"]
        if let subscription = options["subscription"] { arguments += ["--subscription", subscription] }
        if let tenant = options["tenant"] { arguments += ["--tenant", tenant] }
        let result = try runCLI(
            "az", arguments, context: context, authenticationHints: ["az login", "not logged in", "please run"],
            loginHelp: "run `az login`")
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.output)) as? [String: Any],
            let token = object["accessToken"] as? String, !token.isEmpty
        else { throw badOutput("no accessToken") }
        return FetchedCredential(values: ["AZURE_ACCESS_TOKEN": token], expiresAt: Self.expiry(object))
    }

    package static func expiry(_ object: [String: Any]) -> Date? {
        if let seconds = object["expires_on"] as? NSNumber { return Date(timeIntervalSince1970: seconds.doubleValue) }
        if let text = object["expires_on"] as? String, let seconds = Double(text) {
            return Date(timeIntervalSince1970: seconds)
        }
        if let text = object["expiresOn"] as? String { return CredentialTime.localDateTime(text) }
        return nil
    }
}
