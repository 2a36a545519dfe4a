import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct CredentialProviderTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func context(_ runner: RecordingCommandRunner, environment: [String: String] = ["PATH": "/usr/bin"])
        -> CredentialContext
    {
        CredentialContext(
            runner: runner, environment: environment, now: now, timeout: .seconds(5), sessionName: "fix-bug")
    }

    static func answer(_ stdout: String, status: Int32 = 0, stderr: String = "") -> RecordingCommandRunner {
        RecordingCommandRunner(results: [
            .success(ProcessResult(status: .exited(status), output: Array(stdout.utf8), error: Array(stderr.utf8)))
        ])
    }

    static let sts = """
        {"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t-canary", "SessionToken": "tok-canary",
         "Expiration": "2027-01-15T12:00:00+00:00"}}
        """

    @Test func awsGetSessionTokenByDefault() throws {
        let runner = Self.answer(Self.sts)
        let provider = AWSCredentialProvider(options: [
            "profile": "dev", "region": "eu-west-1", "session_duration_secs": "900",
        ])
        let credential = try provider.fetch(Self.context(runner))
        #expect(
            runner.invocations.first?.argv == [
                "aws", "sts", "get-session-token", "--duration-seconds", "900", "--output", "json", "--profile", "dev",
                "--region", "eu-west-1",
            ])
        #expect(credential.values["AWS_ACCESS_KEY_ID"] == "ASIAEXAMPLE")
        #expect(credential.values["AWS_SECRET_ACCESS_KEY"] == "s3cr3t-canary")
        #expect(credential.values["AWS_SESSION_TOKEN"] == "tok-canary")
        #expect(credential.values["AWS_REGION"] == "eu-west-1")
        #expect(credential.values["AWS_DEFAULT_REGION"] == "eu-west-1")
        #expect(credential.expiresAt == CredentialTime.rfc3339("2027-01-15T12:00:00Z"))
        #expect(runner.argvNeverContains("s3cr3t-canary"))
    }

    @Test func awsAssumeRoleWithExternalIdAndASessionPolicyFile() throws {
        let policyFile = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).json")
        try #"{"Version":"2012-10-17"}"#.write(to: policyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: policyFile) }
        let runner = Self.answer(Self.sts)
        let provider = AWSCredentialProvider(options: [
            "role_arn": "arn:aws:iam::123456789012:role/agent", "external_id": "ext-1",
            "session_policy": policyFile.path,
        ])
        _ = try provider.fetch(Self.context(runner))
        #expect(
            runner.invocations.first?.argv == [
                "aws", "sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/agent",
                "--role-session-name",
                "mino-fix-bug", "--duration-seconds", "3600", "--output", "json", "--external-id", "ext-1", "--policy",
                #"{"Version":"2012-10-17"}"#,
            ])
    }

    @Test func awsFailuresAreClassified() {
        let notFound = ProcessError(kind: .notFound, executable: "aws")
        let missing = RecordingCommandRunner(results: [.failure(notFound)])
        #expect(throws: CredentialFailure.self) { try AWSCredentialProvider(options: [:]).fetch(Self.context(missing)) }
        let cases: [(RecordingCommandRunner, CredentialFailure.Kind)] = [
            (
                Self.answer(
                    "", status: 255,
                    stderr: "Unable to locate credentials. You can configure credentials by running \"aws configure\"."),
                .notAuthenticated
            ),
            (
                Self.answer(
                    "", status: 254, stderr: "An error occurred (AccessDenied) when calling the AssumeRole operation"),
                .failed
            ),
            (Self.answer("{}"), .badOutput),
            (RecordingCommandRunner(results: [.failure(ProcessError(kind: .timedOut, executable: "aws"))]), .timedOut),
            (RecordingCommandRunner(results: [.failure(notFound)]), .notInstalled),
        ]
        for (runner, kind) in cases {
            do {
                _ = try AWSCredentialProvider(options: ["role_arn": "arn:x"]).fetch(Self.context(runner))
                Issue.record("expected \(kind)")
            } catch {
                #expect(error.kind == kind)
                #expect(error.provider == "aws")
            }
        }
    }

    @Test func awsSessionPolicyWithoutARoleIsRefused() {
        let runner = RecordingCommandRunner()
        #expect(throws: CredentialFailure.self) {
            try AWSCredentialProvider(options: ["session_policy": "{}"]).fetch(Self.context(runner))
        }
        #expect(runner.invocations.isEmpty)
    }

    @Test func gcpPrintsATokenThatLives55Minutes() throws {
        let runner = Self.answer("ya29.canary-token\n")
        let credential = try GCPCredentialProvider(options: ["service_account": "agent@p.iam.gserviceaccount.com"])
            .fetch(Self.context(runner))
        #expect(
            runner.invocations.first?.argv == [
                "gcloud", "auth", "print-access-token", "--impersonate-service-account=agent@p.iam.gserviceaccount.com",
            ])
        #expect(credential.values == ["CLOUDSDK_AUTH_ACCESS_TOKEN": "ya29.canary-token"])
        #expect(credential.expiresAt == Self.now.addingTimeInterval(55 * 60))
        let loggedOut = Self.answer(
            "", status: 1,
            stderr:
                "ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.\nPlease run:\n\n  $ gcloud auth login"
        )
        #expect(throws: CredentialFailure.self) {
            try GCPCredentialProvider(options: [:]).fetch(Self.context(loggedOut))
        }
    }

    @Test func azureExpiryComesFromExpiresOnInEitherForm() throws {
        let epoch = Self.answer(#"{"accessToken": "eyJ0-canary", "expires_on": 1800003600, "subscription": "s"}"#)
        let credential = try AzureCredentialProvider(options: ["subscription": "s", "tenant": "t"]).fetch(
            Self.context(epoch))
        #expect(
            epoch.invocations.first?.argv == [
                "az", "account", "get-access-token", "--output", "json", "--subscription", "s", "--tenant", "t",
            ])
        #expect(credential.values == ["AZURE_ACCESS_TOKEN": "eyJ0-canary"])
        #expect(credential.expiresAt == Date(timeIntervalSince1970: 1_800_003_600))
        let local = Self.answer(#"{"accessToken": "eyJ0", "expiresOn": "2027-01-15 13:30:00.123456"}"#)
        let older = try AzureCredentialProvider(options: [:]).fetch(Self.context(local))
        #expect(older.expiresAt == CredentialTime.localDateTime("2027-01-15 13:30:00.123456"))
        #expect(older.expiresAt != nil)
        let loggedOut = Self.answer("", status: 1, stderr: "ERROR: Please run 'az login' to setup account.")
        do {
            _ = try AzureCredentialProvider(options: [:]).fetch(Self.context(loggedOut))
        } catch {
            #expect(error.kind == .notAuthenticated)
        }
    }

    @Test func githubPrefersTheHostTokenAndOtherwiseAsksGh() throws {
        let quiet = RecordingCommandRunner()
        let fromEnvironment = try GitHubCredentialProvider(host: "github.com")
            .fetch(Self.context(quiet, environment: ["GITHUB_TOKEN": "ghp_canary"]))
        #expect(fromEnvironment.values == ["GITHUB_TOKEN": "ghp_canary", "GH_TOKEN": "ghp_canary"])
        #expect(quiet.invocations.isEmpty)
        let gh = Self.answer("gho_enterprise\n")
        _ = try GitHubCredentialProvider(host: "ghe.example.com").fetch(Self.context(gh))
        #expect(gh.invocations.first?.argv == ["gh", "auth", "token", "--hostname", "ghe.example.com"])
        let empty = Self.answer("\n")
        #expect(throws: CredentialFailure.self) {
            try GitHubCredentialProvider(host: "github.com").fetch(Self.context(empty))
        }
    }

    @Test func providerTimeoutIs60SecondsUnlessTheEnvironmentSaysOtherwise() {
        #expect(SessionCaches.credentialTimeout([:]) == .seconds(60))
        #expect(SessionCaches.credentialTimeout(["MINO_CREDENTIAL_TIMEOUT_SECONDS": "2"]) == .seconds(2))
        #expect(SessionCaches.credentialTimeout(["MINO_CREDENTIAL_TIMEOUT_SECONDS": "600"]) == .seconds(600))
        for bad in ["0", "601", "-1", "1.5", "", "soon"] {
            #expect(
                SessionCaches.credentialTimeout(["MINO_CREDENTIAL_TIMEOUT_SECONDS": bad]) == .seconds(60), "\(bad)"
            )
        }
    }
}
