import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// GitHub: the host's `GITHUB_TOKEN` (or `GH_TOKEN`) when set, else `gh auth token` (with
/// `--hostname` for GitHub Enterprise). Injected as both `GITHUB_TOKEN` and `GH_TOKEN`. Not
/// cached: it is the user's own long-lived token, and reading it again costs nothing.
package struct GitHubCredentialProvider: CredentialProvider {
    package let name = "github"
    package let host: String

    /// Creates a value from its parts.
    package init(host: String) {
        self.host = host
    }

    package func identity(environment: [String: String]) -> [String: String]? { nil }

    package func fetch(_ context: CredentialContext) throws(CredentialFailure) -> FetchedCredential {
        for variable in ["GITHUB_TOKEN", "GH_TOKEN"] {
            if let token = context.environment[variable], !token.isEmpty {
                return FetchedCredential(values: ["GITHUB_TOKEN": token, "GH_TOKEN": token], expiresAt: nil)
            }
        }
        var arguments = ["auth", "token"]
        if host != "github.com" { arguments += ["--hostname", host] }
        let result = try runCLI(
            "gh", arguments, context: context,
            authenticationHints: ["not logged in", "gh auth login", "no oauth token"],
            loginHelp: "run `gh auth login`, or pass --no-github")
        let token = result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains("\n"), !token.contains(" ") else {
            throw CredentialFailure(
                provider: name, kind: .notAuthenticated, message: "gh printed no token", help: "run `gh auth login`")
        }
        return FetchedCredential(values: ["GITHUB_TOKEN": token, "GH_TOKEN": token], expiresAt: nil)
    }
}
