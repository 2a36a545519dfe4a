import Foundation
import Testing

extension Integration.CredentialTests {
    /// Provider secrets (canaries handed out by stand-in `gh` and `gcloud`) reach the agent's
    /// environment and nothing else: not the host's process table while the session runs (the
    /// podman client lives that long), not `mino plan`, `mino logs`, mino's output, the
    /// session file, the audit log, the cache directory's names, or an error message.
    @Suite struct Leaks {
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func canariesReachOnlyTheAgent() throws {
            let harness = try Harness(.rootless)
            try harness.useStandIns()
            let id = UUID().uuidString.lowercased()
            let github = "gho_canary" + id.replacingOccurrences(of: "-", with: "")
            let gcp = "ya29.canary-" + id
            try harness.standIn("gh", "echo '\(github)'")
            try harness.standIn("gcloud", "echo '\(gcp)'")
            let name = harness.name("leak")
            let agent =
                "printenv GH_TOKEN > seen; printenv CLOUDSDK_AUTH_ACCESS_TOKEN >> seen; echo agent-started; "
                + "touch started; trap 'exit 0' TERM; while :; do sleep 1; done"
            let mino = try harness.spawnMino(["run", "-n", name, "--github", "--gcp", "--", "sh", "-c", agent])
            let started = Command.poll(timeout: 60) { harness.projectFile("started") != nil }
            try #require(started, "the agent never started: \(mino.wait(timeout: 1))")

            // Present: the agent has both values.
            #expect(harness.projectFile("seen") == github + "\n" + gcp + "\n", "the agent did not get the tokens")
            // Absent: the process table (mino and its podman client are running now).
            #expect(Command.run(["/bin/ps", "-eo", "args"], timeout: 10).stdout.contains(name), "control: ps sees it")
            for canary in [github, gcp] {
                let table = Integration.Secrets.processTableShows(canary)
                #expect(table.isEmpty, "a token is in the process table:\n\(table.joined(separator: "\n"))")
            }
            let logs = harness.mino(["logs", name])
            #expect(logs.output.contains("agent-started"), "control: the logs are the agent's\n\(logs)")
            let plan = harness.mino(["plan", "--github", "--gcp", "--", "true"])
            #expect(plan.succeeded && plan.output.contains("GH_TOKEN"), "control: the plan shows the variable\n\(plan)")
            let stopped = harness.mino(["stop", name])
            #expect(stopped.succeeded, "\(stopped)")
            let result = mino.wait(timeout: 60)
            #expect(result.output.contains("agent-started"), "control: mino relayed the agent's output\n\(result)")

            let record = (try? String(contentsOfFile: harness.sessionFile(name), encoding: .utf8)) ?? ""
            #expect(record.contains(name), "control: the session file is the session's")
            let audit = harness.auditLog
            #expect(audit.contains("\"credentials.injected\""), "control: the audit log has the injection")
            let cacheNames = harness.cacheEntries("gcp").joined(separator: " ")
            #expect(!cacheNames.isEmpty, "control: gcp is cached")
            for canary in [github, gcp] {
                for (what, text) in [
                    ("mino logs", logs.output), ("mino plan", plan.output), ("mino run", result.output),
                    ("mino stop", stopped.output), ("the session file", record), ("the audit log", audit),
                    ("a cache file name", cacheNames),
                ] {
                    #expect(!text.contains(canary), "\(what) holds a token")
                }
            }
        }

        /// Failing providers' error messages (warnings, and the error of a strict run) carry
        /// the CLI's error line but never what it printed on standard output, even when that
        /// was a token: `gh` prints a token and fails, `gcloud` prints a token followed by junk.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func errorsNeverQuoteTheOutput() throws {
            let harness = try Harness(.rootless)
            try harness.useStandIns()
            let id = UUID().uuidString.lowercased()
            let github = "gho_canary" + id.replacingOccurrences(of: "-", with: "")
            let gcp = "ya29.canary-" + id
            try harness.standIn(
                "gh", "echo '\(github)'\necho 'HTTP 401: Bad credentials (https://api.github.com/)' >&2\nexit 1")
            try harness.standIn("gcloud", "echo '\(gcp) WARNING: unexpected'")
            for strict in [false, true] {
                let result = harness.runShowingWarnings(
                    ["--github", "--gcp"] + (strict ? ["--strict-credentials"] : []), ["true"])
                #expect(result.succeeded == !strict, "\(result)")
                #expect(
                    result.stderr.contains("HTTP 401: Bad credentials"), "control: the CLI's error is shown\n\(result)")
                #expect(result.stderr.contains("gcp credentials unavailable"), "\(result)")
                #expect(
                    !result.output.contains(github) && !result.output.contains(gcp), "an error holds a token\n\(result)"
                )
            }
            #expect(!harness.auditLog.contains(github) && !harness.auditLog.contains(gcp))
        }
    }
}
