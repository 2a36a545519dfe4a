import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// The trust gate end to end: project files, approvals in the state directory, prompts.
@Suite struct TrustFlowTests {
    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
        try home.write(
            "src/app/.mino.toml", "# from the repository\n[container]\nimage = \"attacker/image\"\nread_only = true\n")
    }

    var environment: [String: String] { ["HOME": home.path] }

    func explain(
        _ key: String, _ extra: [String] = [], environment extraEnvironment: [String: String] = [:],
        input: [String]? = nil
    )
        -> MinoRun
    {
        MinoRun(
            ["policy", "explain", key] + extra, environment: environment.merging(extraEnvironment) { $1 },
            registry: .standard, currentDirectory: project, interactiveInput: input)
    }

    @Test func wideningKeysAreIgnoredWithAWarningWhileNarrowingKeysApply() {
        let image = explain("container.image")
        #expect(image.status == 0)
        #expect(image.stdout.hasPrefix("container.image = \"fedora:43\"\n"))
        #expect(
            image.stderr.contains("warning[trust.widening-ignored]: `container.image` in the unapproved project config")
        )
        #expect(image.stderr.contains("src/app/.mino.toml:3:9") || image.stderr.contains(".mino.toml:3:9"))
        let readOnly = explain("container.read_only")
        #expect(readOnly.stdout.hasPrefix("container.read_only = true\n"))
        #expect(readOnly.stdout.contains("project config"))
    }

    /// `mino run` in a terminal: the one command that asks for approval (this context cannot
    /// run podman, so the run itself then fails; the answer is stored before that).
    func runAsking(_ input: [String], environment extraEnvironment: [String: String] = [:]) -> MinoRun {
        MinoRun(
            ["run", "--network", "none", "--", "true"], environment: environment.merging(extraEnvironment) { $1 },
            registry: .standard, currentDirectory: project, interactiveInput: input)
    }

    @Test func planAndExplainNeverAskNorStoreAnApproval() {
        for arguments in [["policy", "explain", "container.image"], ["plan", "--", "true"]] {
            let run = MinoRun(
                arguments, environment: environment, registry: .standard, currentDirectory: project,
                interactiveInput: ["y"])
            #expect(!run.stderr.contains("[y/N]"), "\(arguments)")
            #expect((run.stdout + run.stderr).contains("trust.widening-ignored"), "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/mino/trust.json"))
    }

    @Test func approvingAtThePromptRemembersThisExactFile() throws {
        let asked = runAsking(["y"])
        #expect(asked.stderr.contains("container.image  \"attacker/image\"  (yours: \"fedora:43\")"))
        #expect(asked.stderr.contains("[y/N]"))
        let approved = explain("container.image")
        #expect(approved.stdout.hasPrefix("container.image = \"attacker/image\"\n"))
        let store = home.path + "/.local/state/mino/trust.json"
        let attributes = try FileManager.default.attributesOfItem(atPath: store)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: store, encoding: .utf8)
        let bytes = try #require(FileManager.default.contents(atPath: project + "/.mino.toml"))
        #expect(text.contains(SHA256.hash([UInt8](bytes)).hex))

        // Later runs, even non-interactive ones, use the approval without asking.
        let later = explain("container.image")
        #expect(later.stdout.hasPrefix("container.image = \"attacker/image\"\n"))
        #expect(!later.stderr.contains("trust.widening-ignored"))

        // One changed byte revokes it.
        try home.write(
            "src/app/.mino.toml", "# from the repository!\n[container]\nimage = \"attacker/image\"\nread_only = true\n")
        let edited = explain("container.image")
        #expect(edited.stdout.hasPrefix("container.image = \"fedora:43\"\n"))
        #expect(edited.stderr.contains("trust.widening-ignored"))
    }

    @Test func decliningOrAnyOtherAnswerKeepsTheProjectSettingsOut() {
        for answer in ["n", "", "yess", "no"] {
            #expect(runAsking([answer]).stderr.contains("[y/N]"), "answer \(answer)")
            let run = explain("container.image")
            #expect(run.stdout.hasPrefix("container.image = \"fedora:43\"\n"), "answer \(answer)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/mino/trust.json"))
    }

    @Test func trustLocalAppliesWithAWarningAndStoresNothing() {
        for run in [
            explain("container.image", ["--trust-local"]),
            explain("container.image", environment: ["MINO_TRUST_LOCAL": "1"]),
        ] {
            #expect(run.stdout.hasPrefix("container.image = \"attacker/image\"\n"))
            #expect(run.stderr.contains("warning[trust.trust-local]"))
        }
        let falsey = explain("container.image", environment: ["MINO_TRUST_LOCAL": "off"])
        #expect(falsey.stdout.hasPrefix("container.image = \"fedora:43\"\n"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/mino/trust.json"))
    }

    @Test func ciRunsNeverPromptEvenOnATerminal() {
        let run = runAsking(["y"], environment: ["CI": "true"])
        #expect(!run.stderr.contains("[y/N]"))
        #expect(explain("container.image").stdout.hasPrefix("container.image = \"fedora:43\"\n"))
    }

    @Test func noLocalSkipsTheProjectFileEntirely() {
        let run = explain("container.read_only", ["--no-local"])
        #expect(run.stdout.hasPrefix("container.read_only = false\n"))
        #expect(run.stderr.isEmpty)
    }

    @Test func aCorruptTrustStoreApprovesNothingAndSaysSo() throws {
        try home.write(".local/state/mino/trust.json", "{ not json")
        let run = explain("container.image")
        #expect(run.stdout.hasPrefix("container.image = \"fedora:43\"\n"))
        #expect(run.stderr.contains("warning[trust.store-unreadable]"))
    }

    @Test func unknownKeysGetASuggestion() {
        let run = explain("container.netwrk")
        #expect(run.status == 64)
        #expect(run.stderr.contains("did you mean `container.network`?"))
    }
}
