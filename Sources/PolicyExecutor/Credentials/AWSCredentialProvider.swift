import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// AWS through the `aws` CLI: `sts assume-role` when a role is configured (with external id
/// and an optional session policy narrowing the role), `sts get-session-token` otherwise.
package struct AWSCredentialProvider: CredentialProvider {
    package let name = "aws"
    /// `credentials.aws.*` as written (`role_arn`, `external_id`, `profile`, `region`,
    /// `session_policy`, `session_duration_secs`).
    package let options: [String: String]

    /// Creates a value from its parts.
    package init(options: [String: String]) {
        self.options = options
    }

    package func identity(environment: [String: String]) -> [String: String]? {
        var identity = options
        if let policy = options["session_policy"] { identity["session_policy"] = SHA256.hash(Array(policy.utf8)).hex }
        identity["env_profile"] = environment["AWS_PROFILE"] ?? ""
        // Switching the host's own keys must not reuse another identity's session.
        identity["env_key"] =
            environment["AWS_ACCESS_KEY_ID"].map { String(SHA256.hash(Array($0.utf8)).hex.prefix(16)) } ?? ""
        return identity
    }

    /// The role session name: `mino-<session>`, limited to what STS accepts.
    package static func roleSessionName(_ session: String) -> String {
        let allowed = session.unicodeScalars.filter {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_+=,.@-".unicodeScalars.contains($0)
        }
        return String(("mino-" + String(String.UnicodeScalarView(allowed))).prefix(64))
    }

    package func arguments(sessionName: String, sessionPolicy: String?) -> [String] {
        let duration = options["session_duration_secs"] ?? "3600"
        var arguments: [String]
        if let role = options["role_arn"] {
            arguments = [
                "sts", "assume-role", "--role-arn", role, "--role-session-name", Self.roleSessionName(sessionName),
                "--duration-seconds", duration, "--output", "json",
            ]
            if let external = options["external_id"] { arguments += ["--external-id", external] }
            if let sessionPolicy { arguments += ["--policy", sessionPolicy] }
        } else {
            arguments = ["sts", "get-session-token", "--duration-seconds", duration, "--output", "json"]
        }
        if let profile = options["profile"] { arguments += ["--profile", profile] }
        if let region = options["region"] { arguments += ["--region", region] }
        return arguments
    }

    /// The session policy: inline JSON, or the contents of a file (absolute or `~/` path).
    package func sessionPolicy(environment: [String: String]) throws(CredentialFailure) -> String? {
        guard let value = options["session_policy"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty
        else {
            return nil
        }
        if value.hasPrefix("{") { return value }
        let home = environment["HOME"] ?? "/"
        let path = value.hasPrefix("~/") ? home + value.dropFirst(1) : value
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CredentialFailure(
                provider: name, kind: .failed, message: "cannot read the session policy `\(value)`",
                help: "set `credentials.aws.session_policy` to inline JSON or a readable file")
        }
        return text
    }

    package func fetch(_ context: CredentialContext) throws(CredentialFailure) -> FetchedCredential {
        let policy = try sessionPolicy(environment: context.environment)
        if policy != nil, options["role_arn"] == nil {
            throw CredentialFailure(
                provider: name, kind: .failed,
                message: "a session policy needs `role_arn` (it narrows an assumed role)",
                help: "set `credentials.aws.role_arn`, or remove `session_policy`")
        }
        let result = try runCLI(
            "aws", arguments(sessionName: context.sessionName, sessionPolicy: policy), context: context,
            authenticationHints: [
                "unable to locate credentials", "not configured", "could not be found", "expiredtoken",
            ],
            loginHelp: "run `aws configure` or `aws sso login`")
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.output)) as? [String: Any],
            let credentials = object["Credentials"] as? [String: Any],
            let key = credentials["AccessKeyId"] as? String, let secret = credentials["SecretAccessKey"] as? String
        else { throw badOutput("no Credentials in the STS answer") }
        var values = ["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret]
        if let token = credentials["SessionToken"] as? String { values["AWS_SESSION_TOKEN"] = token }
        if let region = options["region"] {
            values["AWS_REGION"] = region
            values["AWS_DEFAULT_REGION"] = region
        }
        let expiry = (credentials["Expiration"] as? String).flatMap(CredentialTime.rfc3339)
        return FetchedCredential(values: values, expiresAt: expiry)
    }
}
