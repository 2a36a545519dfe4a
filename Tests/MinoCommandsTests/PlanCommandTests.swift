import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct PlanCommandTests {
    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
    }

    func plan(_ arguments: [String], environment: [String: String] = [:]) -> MinoRun {
        MinoRun(
            ["plan"] + arguments, environment: ["HOME": home.path].merging(environment) { $1 }, registry: .standard,
            currentDirectory: project)
    }

    @Test func planNeedsNoPodman() {
        let result = plan(["--", "true"], environment: ["PATH": "/nonexistent"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("PODMAN (run)"))
        #expect(result.stdout.contains("STEPS"))
        #expect(result.stdout.contains("--cap-drop ALL"))
        #expect(result.stderr.isEmpty)
    }

    @Test func jsonIsOneStableSortedDocument() throws {
        // A named session plans the same bytes every time; without `-n` each plan (like each
        // run) draws its own name and says so.
        let first = plan(["--format", "json", "--network-preset", "dev", "-n", "review"])
        let second = plan(["--format", "json", "--network-preset", "dev", "-n", "review"])
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "artifacts", "enforcement", "policy", "resolved", "session", "steps", "version", "warnings",
            ])
        let drawn = try #require(
            try JSONSerialization.jsonObject(with: Data(plan(["--format", "json"]).stdout.utf8)) as? [String: Any])
        #expect((drawn["session"] as? [String: Any])?["generated"] as? Bool == true)
        let keys = first.stdout.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("\""), let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
            return String(trimmed[trimmed.index(after: trimmed.startIndex)..<end])
        }
        #expect(!keys.isEmpty)
    }

    @Test func exitCodesTellScriptsWhatWentWrong() throws {
        #expect(plan(["--network-allow", "nohost"]).status == 64)
        #expect(plan(["--bogus"]).status == 64)
        #expect(plan(["--network", "none", "--network-allow", "github.com:443"]).status == 65)
        #expect(plan(["-c", "missing.toml"]).status == 66)
        #expect(plan(["-p", "no/such/dir"]).status == 66)
        try home.write(".config/mino/config.toml", "[container]\nnetwork = 1\n")
        #expect(plan([]).status == 65)
    }

    @Test func explainSeesTheFlags() {
        let result = plan(["--network", "none", "--explain", "container.network"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("container.network = \"none\"\n"))
        #expect(result.stdout.contains("command line"))
    }

    @Test func warningsAreShownInThePlan() {
        let result = plan(["--network", "host", "--network-allow", "github.com:443"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("warning[network.host-overridden]"))
    }

    @Test func projectFlagChoosesWhereTheProjectConfigIsFound() throws {
        let other = try home.directory("src/other")
        try home.write("src/other/.mino.toml", "[container]\nread_only = true\n")
        let result = MinoRun(
            ["plan", "-p", other], environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(result.status == 0)
        #expect(result.stdout.contains("read-only root  true"))
    }
}
