import Foundation
import Testing

extension Integration {
    /// A secret passed with `-e NAME=value` reaches the agent and nothing else: not the host's
    /// process table (every local user can read argv), not mino's output, not the session file
    /// and not the audit log.
    @Suite struct Secrets {
        /// Polls `ps -eo args` a few times while the session runs.
        static func processTableShows(_ canary: String) -> [String] {
            var seen = [String]()
            for _ in 0..<5 {
                let table = Command.run(["/bin/ps", "-eo", "pid,args"], timeout: 10)
                seen += table.lines.filter { $0.contains(canary) }
                usleep(200_000)
            }
            return seen
        }

        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: [false, true])
        func canaryReachesOnlyTheAgent(_ detached: Bool) throws {
            let harness = try Harness(.rootless)
            let canary = "mino-canary-" + UUID().uuidString.lowercased()
            let name = harness.name(detached ? "secret-d" : "secret")
            let agent = "printenv CANARY > seen; touch started; trap 'exit 0' TERM; while :; do sleep 1; done"
            let mino = try harness.spawnMino(
                ["run", "-n", name, "-e", "CANARY=\(canary)"] + (detached ? ["-d"] : []) + ["--", "sh", "-c", agent])
            let started = Command.poll(timeout: 60) { harness.projectFile("started") != nil }
            try #require(started, "the agent never started: \(mino.wait(timeout: 1))")

            // Control: the agent has the value.
            #expect(harness.projectFile("seen") == canary + "\n", "the agent did not get the secret")
            let table = Self.processTableShows(canary)
            #expect(table.isEmpty, "the secret is in the process table:\n\(table.joined(separator: "\n"))")

            let stopped = harness.mino(["stop", name])
            #expect(stopped.succeeded, "\(stopped)")
            let result = mino.wait(timeout: 60)
            #expect(!result.timedOut, "\(result)")
            #expect(!result.output.contains(canary), "mino printed the secret:\n\(result)")
            #expect(!stopped.output.contains(canary), "mino stop printed the secret")
            let record = try String(contentsOfFile: harness.sessionFile(name), encoding: .utf8)
            #expect(record.contains(name), "control: the session file is the session's")
            #expect(!record.contains(canary), "the session file holds the secret")
            let audit = harness.auditLog
            #expect(audit.contains("\"session.created\""), "control: the audit log has the session")
            #expect(!audit.contains(canary), "the audit log holds the secret")
        }
    }
}
