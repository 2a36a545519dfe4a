import Foundation
import Testing

extension Integration.CredentialTests {
    /// Google Cloud, Azure and GitHub through stand-ins for their CLIs. The vendor CLIs cannot
    /// be installed here (no registry but Debian's and PyPI, and no vendor login), so `gcloud`,
    /// `az` and `gh` are shell scripts first on mino's PATH that print what the real ones print
    /// for `gcloud auth print-access-token`, `az account get-access-token --output json` and
    /// `gh auth token` (and their usual "please log in" errors), and record their arguments.
    @Suite struct StandInProviders {
        static let variables = [
            "CLOUDSDK_AUTH_ACCESS_TOKEN", "CLOUDSDK_CORE_PROJECT", "AZURE_ACCESS_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
        ]

        /// Realistic token shapes, unique per test.
        static func tokens() -> (gcp: String, azure: String, github: String) {
            let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            return ("ya29.a0AfB_mino\(id)", "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.mino\(id).sig", "gho_mino\(id)")
        }

        static func azureJSON(token: String, expiresOn: String?, expiresOnEpoch: Int?) -> String {
            var fields = ["\"accessToken\": \"\(token)\""]
            if let expiresOn { fields.append("\"expiresOn\": \"\(expiresOn)\"") }
            if let expiresOnEpoch { fields.append("\"expires_on\": \(expiresOnEpoch)") }
            fields += [
                "\"subscription\": \"00000000-0000-0000-0000-0000000000aa\"",
                "\"tenant\": \"00000000-0000-0000-0000-0000000000bb\"", "\"tokenType\": \"Bearer\"",
            ]
            return "{\n  " + fields.joined(separator: ",\n  ") + "\n}"
        }

        /// All three deliver: the agent gets each token under its variables, the CLIs were asked
        /// for the configured project/account/subscription/tenant, and the audit log names the
        /// providers with their expiry.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func standInsDeliver(_ identity: Identity) throws {
            let harness = try Harness(identity)
            try harness.useStandIns()
            let token = Self.tokens()
            let expiry = Int(Date().timeIntervalSince1970) + 3000
            try harness.standIn("gcloud", "echo '\(token.gcp)'")
            try harness.standIn(
                "az", "cat <<'EOF'\n\(Self.azureJSON(token: token.azure, expiresOn: nil, expiresOnEpoch: expiry))\nEOF")
            try harness.standIn("gh", "echo '\(token.github)'")
            try harness.setCredentialConfig(
                "[credentials.gcp]\nproject = \"mino-it-project\"\nservice_account = \"agent@mino-it.iam.gserviceaccount.com\"\n"
                    + "[credentials.azure]\nsubscription = \"sub-1\"\ntenant = \"tenant-1\"\n")
            let result = harness.run(
                ["--gcp", "--azure", "--github"], recordEnvironment(Self.variables, into: "env.out"))
            try #require(result.succeeded, "\(result)")
            let seen = harness.projectValues("env.out")
            #expect(seen["CLOUDSDK_AUTH_ACCESS_TOKEN"] == token.gcp)
            #expect(seen["CLOUDSDK_CORE_PROJECT"] == "mino-it-project")
            #expect(seen["AZURE_ACCESS_TOKEN"] == token.azure)
            #expect(seen["GITHUB_TOKEN"] == token.github && seen["GH_TOKEN"] == token.github, "\(seen)")
            #expect(
                harness.calls("gcloud")
                    == ["auth print-access-token --impersonate-service-account=agent@mino-it.iam.gserviceaccount.com"])
            #expect(
                harness.calls("az") == ["account get-access-token --output json --subscription sub-1 --tenant tenant-1"]
            )
            #expect(harness.calls("gh") == ["auth token"])
            for value in [token.gcp, token.azure, token.github] {
                #expect(!result.output.contains(value), "mino printed a token")
            }
            let audit = try #require(harness.lastInjection(), "no credentials.injected event")
            #expect(audit["providers"] as? [String] == ["gcp", "azure", "github"], "\(audit)")
            let expiries = audit["expires_at"] as? [String: Any] ?? [:]
            #expect(expiries["github"] is NSNull, "\(audit)")
            #expect(
                (expiries["azure"] as? String).flatMap(Self.date) == Date(timeIntervalSince1970: Double(expiry)),
                "\(audit)")
        }

        static func date(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }

        /// Each CLI failing the way it does when logged out: a warning per provider naming the
        /// login command, the session still runs without those variables. Control: the same
        /// run's stand-in `gh`, still logged in, delivers.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func failuresAreWarnings() throws {
            let harness = try Harness(.rootless)
            try harness.useStandIns()
            let token = Self.tokens()
            try harness.standIn(
                "gcloud",
                "echo 'ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.' >&2\n"
                    + "echo 'Please run:\n\n  $ gcloud auth login' >&2\nexit 1")
            try harness.standIn("az", "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1")
            try harness.standIn("gh", "echo '\(token.github)'")
            let result = harness.runShowingWarnings(
                ["--gcp", "--azure", "--github"], recordEnvironment(Self.variables, into: "env.out"))
            #expect(result.succeeded, "a failing provider stopped the run: \(result)")
            #expect(result.stderr.contains("gcp credentials unavailable: not logged in"), "\(result)")
            #expect(result.stderr.contains("gcloud auth login"), "\(result)")
            #expect(result.stderr.contains("azure credentials unavailable: not logged in"), "\(result)")
            #expect(result.stderr.contains("az login"), "\(result)")
            let seen = harness.projectValues("env.out")
            #expect(seen["GITHUB_TOKEN"] == token.github, "control: gh delivered\n\(seen)")
            #expect(seen["CLOUDSDK_AUTH_ACCESS_TOKEN"] == "" && seen["AZURE_ACCESS_TOKEN"] == "", "\(seen)")
            #expect(harness.lastInjection()?["providers"] as? [String] == ["github"])
            #expect(harness.cacheEntries("gcp").isEmpty && harness.cacheEntries("azure").isEmpty)

            // gh logged out too, and --strict-credentials: the run is refused, no session made.
            try harness.standIn(
                "gh", "echo 'To get started with GitHub CLI, please run:  gh auth login' >&2\nexit 4")
            let name = harness.name("strict")
            let strict = harness.runShowingWarnings(
                ["-n", name, "--gcp", "--github", "--strict-credentials"], ["true"])
            #expect(!strict.succeeded, "\(strict)")
            #expect(strict.stderr.contains("credentials failed for `gcp`, `github`"), "\(strict)")
            #expect(harness.record(name) == nil && harness.containers(matching: name).isEmpty, "a session was made")
        }

        /// A CLI that hangs is stopped at the provider timeout (MINO_CREDENTIAL_TIMEOUT_SECONDS,
        /// 2 s here instead of 60 s), with its whole process group; the other providers still
        /// deliver and the session runs.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func hangingCLITimesOut() throws {
            let harness = try Harness(.rootless)
            try harness.useStandIns()
            let token = Self.tokens()
            let pidFile = harness.callDirectory + "/gcloud.sleep"
            try harness.standIn("gcloud", "sleep 60 &\necho $! > '\(pidFile)'\nwait")
            try harness.standIn("gh", "echo '\(token.github)'")
            harness.environment["MINO_CREDENTIAL_TIMEOUT_SECONDS"] = "2"
            let started = Date()
            let result = harness.runShowingWarnings(
                ["--gcp", "--github"], recordEnvironment(Self.variables, into: "env.out"))
            let elapsed = Date().timeIntervalSince(started)
            #expect(result.succeeded, "\(result)")
            #expect(elapsed < 30, "the run took \(elapsed) s")
            #expect(result.stderr.contains("gcp credentials unavailable: `gcloud` did not answer in time"), "\(result)")
            let seen = harness.projectValues("env.out")
            #expect(seen["GITHUB_TOKEN"] == token.github, "control: gh delivered\n\(seen)")
            #expect(seen["CLOUDSDK_AUTH_ACCESS_TOKEN"] == "", "\(seen)")
            // The stand-in's own child went with it.
            let pid = try #require(
                (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                    pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }, "the stand-in never started")
            let gone = Command.poll(timeout: 10) { kill(pid, 0) != 0 && errno == ESRCH }
            #expect(gone, "the hanging CLI's child \(pid) still runs")
        }

        /// Azure's expiry: `expires_on` (epoch seconds, newer az) wins over `expiresOn`; older
        /// az prints only `expiresOn` in the host's local time zone (TZ=Asia/Tokyo, UTC+9 here).
        /// An entry that expires within mino's refresh margin is fetched again on the next run.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func azureExpiryParsing() throws {
            let harness = try Harness(.rootless)
            try harness.useStandIns()
            harness.environment["TZ"] = "Asia/Tokyo"
            let token = Self.tokens()
            let epoch = Int(Date().timeIntervalSince1970) + 2 * 3600
            try harness.standIn(
                "az",
                "cat <<'EOF'\n"
                    + Self.azureJSON(token: token.azure, expiresOn: "2031-01-01 00:00:00.000000", expiresOnEpoch: epoch)
                    + "\nEOF")
            let first = harness.run(["--azure"], ["true"])
            try #require(first.succeeded, "\(first)")
            let expiries = { harness.lastInjection()?["expires_at"] as? [String: Any] ?? [:] }
            #expect(
                (expiries()["azure"] as? String).flatMap(Self.date) == Date(timeIntervalSince1970: Double(epoch)),
                "expires_on should win: \(expiries())")

            // Only expiresOn, local time: 2031-01-01 09:00 in Tokyo is 00:00 UTC.
            try harness.standIn(
                "az",
                "cat <<'EOF'\n"
                    + Self.azureJSON(token: token.azure, expiresOn: "2031-01-01 09:00:00.000000", expiresOnEpoch: nil)
                    + "\nEOF")
            for file in harness.cacheEntries("azure") { unlink(harness.credentialCache + "/" + file) }
            let second = harness.run(["--azure"], ["true"])
            try #require(second.succeeded, "\(second)")
            #expect(
                (expiries()["azure"] as? String).flatMap(Self.date) == Self.date("2031-01-01T00:00:00.000Z"),
                "\(expiries())")
            #expect(harness.calls("az").count == 2)

            // Two minutes left: inside the refresh margin, so not served again.
            try harness.standIn(
                "az",
                "cat <<'EOF'\n"
                    + Self.azureJSON(
                        token: token.azure, expiresOn: nil, expiresOnEpoch: Int(Date().timeIntervalSince1970) + 120)
                    + "\nEOF")
            for file in harness.cacheEntries("azure") { unlink(harness.credentialCache + "/" + file) }
            for _ in 0..<2 {
                let run = harness.run(["--azure"], ["true"])
                #expect(run.succeeded, "\(run)")
            }
            #expect(harness.calls("az").count == 4, "a nearly expired token was served from the cache")
        }
    }
}
