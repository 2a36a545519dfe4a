import Foundation
import Testing

extension Integration.CredentialTests {
    /// The credential cache, seen through a stand-in `gcloud` that counts its calls and hands
    /// out a new token on each one (so a token the agent sees tells which call it came from).
    /// The AWS suite checks the same with the real CLI and a changed role.
    @Suite struct Cache {
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func cacheServesRefreshesAndIsPrivate(_ identity: Identity) throws {
            let harness = try Harness(identity)
            try harness.useStandIns()
            let prefix = "ya29.mino-" + harness.prefix + "-"
            // Token number n for the n-th call.
            try harness.standIn("gcloud", "echo \"\(prefix)$(wc -l < '\(harness.callDirectory)/gcloud')\"")
            let run = { () -> String? in
                let result = harness.run(["--gcp"], recordEnvironment(["CLOUDSDK_AUTH_ACCESS_TOKEN"], into: "env.out"))
                guard result.succeeded else {
                    Issue.record("\(result)")
                    return nil
                }
                return harness.projectValues("env.out")["CLOUDSDK_AUTH_ACCESS_TOKEN"]
            }

            #expect(run() == prefix + "1")
            #expect(harness.calls("gcloud").count == 1)
            let (uid, _) = identity.ids
            let directory = try #require(fileMode(harness.credentialCache), "no cache directory")
            #expect(directory.mode == 0o700 && directory.uid == uid, "cache directory \(directory)")
            let entries = harness.cacheEntries("gcp")
            try #require(entries.count == 1, "\(entries)")
            let entry = harness.credentialCache + "/" + entries[0]
            let file = try #require(fileMode(entry))
            #expect(file.mode == 0o600 && file.uid == uid, "cache file \(file)")

            // Within the TTL: served from the cache, gcloud not called.
            #expect(run() == prefix + "1")
            #expect(harness.calls("gcloud").count == 1, "the cached token was not used")

            // Another identity (service account): another entry, gcloud called.
            try harness.setCredentialConfig(
                "[credentials.gcp]\nservice_account = \"other@mino-it.iam.gserviceaccount.com\"\n")
            #expect(run() == prefix + "2")
            #expect(harness.calls("gcloud").count == 2)
            #expect(harness.cacheEntries("gcp").count == 2)
            // And back: the first identity's entry is still fresh.
            try harness.setCredentialConfig("")
            #expect(run() == prefix + "1")
            #expect(harness.calls("gcloud").count == 2)

            // The first entry expired (rewritten with a past expiry): fetched again, replaced.
            let text = try String(contentsOfFile: entry, encoding: .utf8)
            let expired = text.replacingOccurrences(
                of: #""expires_at" *: *"[^"]*""#, with: "\"expires_at\": \"2020-01-01T00:00:00.000Z\"",
                options: .regularExpression)
            try #require(expired != text, "no expires_at in \(text)")
            try expired.write(toFile: entry, atomically: false, encoding: .utf8)
            #expect(run() == prefix + "3")
            #expect(harness.calls("gcloud").count == 3)
            let refreshed = (try? String(contentsOfFile: entry, encoding: .utf8)) ?? ""
            #expect(!refreshed.contains("2020-01-01"), "the expired entry was not replaced")
            #expect(fileMode(entry)?.mode == 0o600)
        }
    }
}
