import Diagnostics
import Foundation
import Testing

extension Integration.SessionLifecycle {
    /// Plan is run, against real podman: the commands `mino -v run` traces are exactly the
    /// steps `mino plan --format json --resolve` lists for the same invocation (checks and
    /// actions, in order), with the run-time values (the container's pid, the time) in place of
    /// the plan's placeholders. Rootless and rootful, with the fence hook and the resolver.
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
    func verboseRunTracesExactlyThePlannedSteps(_ identity: Identity) throws {
        let harness = try Harness(identity)
        let name = harness.name("planned")
        let options = ["-n", name, "--network-allow", "192.0.2.1:443", "--no-github"]
        let plan = harness.mino(["plan", "--format", "json", "--resolve"] + options + ["--", "true"])
        try #require(plan.succeeded, "\(plan)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any], "\(plan)")
        let steps = try #require(document["steps"] as? [[String: Any]])
        var expected = [[String]]()
        for step in steps where step["performer"] as? String == "run" {
            if let check = step["check"] as? [String] { expected.append(check) }
            if let argv = step["argv"] as? [String] { expected.append(argv) }
        }

        let run = harness.mino(["-v", "run"] + options + ["--", "true"])
        #expect(run.succeeded, "\(run)")
        let traced = run.stderr.split(separator: "\n").filter { $0.hasPrefix("+ ") }.map(String.init)
        // The image is present, so its check runs and the pull does not: drop planned actions
        // whose check succeeded (the only conditional step here is the pull).
        let planned = expected.filter { $0.prefix(2) != ["podman", "pull"] }
        #expect(traced.count == planned.count, "traced:\n\(traced.joined(separator: "\n"))\nplanned: \(planned)")
        for (line, argv) in zip(traced, planned) {
            #expect(Self.traceLine(line, matches: argv), "traced \(line)\nplanned \(argv)")
        }
        // Control: the one podman run named the fence hook, and the hook handed the session
        // resolver its sockets (its start is in the decision log).
        #expect(traced.filter { $0.contains("--hooks-dir") }.count == 1, "\(traced)")
        let decisions = harness.mino(["logs", "--decisions", name, "--format", "json"])
        #expect(decisions.stdout.contains("\"event\":\"start\""), "\(decisions)")
    }

    /// Whether a `-v` trace line is `argv`, quoted as mino quotes it, with any word holding a
    /// placeholder (`${…}`) matching whatever value the run found, and `NAME=value` words whose
    /// name looks secret shown as the trace shows them (`NAME=<redacted>`).
    static func traceLine(_ line: String, matches argv: [String]) -> Bool {
        var pattern = "^\\+"
        for word in argv {
            pattern += " "
            if word.contains("${") {
                pattern += ".+?"
            } else if let equals = word.firstIndex(of: "="), SecretNames.looksSecret(String(word[..<equals])) {
                let shown = ShellQuoting.displayQuote(String(word[..<equals]) + "=<redacted>")
                pattern += NSRegularExpression.escapedPattern(for: shown)
            } else {
                pattern += NSRegularExpression.escapedPattern(for: ShellQuoting.displayQuote(word))
            }
        }
        pattern += "$"
        return line.range(of: pattern, options: .regularExpression) != nil
    }
}
