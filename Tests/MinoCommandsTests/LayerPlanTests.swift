import Foundation
import PolicyCompiler
import TOML
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// `mino plan --layers` against real directories: the disk view and the whole command.
@Suite struct LayerPlanTests {
    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
    }

    func plan(_ arguments: [String]) -> MinoRun {
        MinoRun(
            ["plan"] + arguments, environment: ["HOME": home.path, "PATH": "/nonexistent"], registry: .standard,
            currentDirectory: project)
    }

    func writeLayer(_ directory: String, name: String, extra: String = "", script: String? = "#!/bin/sh\ntrue\n")
        throws
    {
        try home.write(
            directory + "/layer.toml", "[layer]\nname = \"\(name)\"\ndescription = \"d\"\nversion = \"1\"\n" + extra)
        if let script { try home.write(directory + "/install.sh", script) }
    }

    @Test func projectLayerShowsItsContainerfileAndNeedsApproval() throws {
        try writeLayer("src/app/.mino/layers/tools", name: "tools", extra: "[root_install]\npackages = [\"jq\"]\n")
        let result = plan(["--layers", "tools"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("CONTAINERFILE (podman build -t localhost/mino-composed-"))
        #expect(result.stdout.contains("tools  project  \(project)/.mino/layers/tools"))
        #expect(result.stdout.contains("plan.layer-needs-approval"))
        #expect(result.stdout.contains("plan.provisional-image-tag"))
    }

    @Test func userLayersLiveBesideTheGlobalConfig() throws {
        try writeLayer(".config/mino/layers/tools", name: "tools")
        let result = plan(["--layers", "tools", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let artifacts = try #require(object["artifacts"] as? [String: Any])
        let layers = try #require(artifacts["layers"] as? [String: Any])
        let first = try #require((layers["layers"] as? [[String: Any]])?.first)
        #expect(first["scope"] as? String == "user")
        #expect((first["sha256"] as? String)?.count == 64)
        #expect(layers["needs_build"] as? Bool == true)
        #expect((layers["containerfile"] as? [String: Any])?["text"] is String)
    }

    @Test func brokenManifestExits65WithFileLineAndColumn() throws {
        try writeLayer("src/app/.mino/layers/tools", name: "tools", extra: "[root_install]\npakages = [\"jq\"]\n")
        let result = plan(["--layers", "tools", "--diagnostics-format", "plain"])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(".mino/layers/tools/layer.toml:6:1: error[layer.unknown-key]"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func missingLayerExits65NamingThePlacesSearched() {
        let result = plan(["--layers", "nope"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("layer.not-found"))
        #expect(result.stderr.contains("\(project)/.mino/layers/nope"))
        #expect(result.stderr.contains("\(home.path)/.config/mino/layers/nope"))
    }

    @Test func policyCheckValidatesLayerManifests() throws {
        try writeLayer("good", name: "good", extra: "[env]\nA = \"1\"\n")
        try writeLayer("bad", name: "bad", extra: "[env]\nA = \"1\\nRUN id\"\nB = 2\n")
        let good = MinoRun(
            ["policy", "check", home.path + "/good/layer.toml"], environment: ["HOME": home.path], registry: .standard,
            currentDirectory: project)
        #expect(good.status == 0, "\(good.stderr)")
        let bad = MinoRun(
            ["policy", "check", home.path + "/bad/layer.toml", "--diagnostics-format", "plain"],
            environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad/layer.toml:7:5: error[layer.wrong-type]"), "\(bad.stderr)")
        try writeLayer("newline", name: "newline", extra: "[env]\nA = \"1\\nRUN id\"\n")
        let newline = MinoRun(
            ["policy", "check", home.path + "/newline/layer.toml", "--diagnostics-format", "plain"],
            environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(newline.status == 65)
        #expect(newline.stderr.contains("newline/layer.toml:6:1: error[backend.invalid-layer-value]"))
    }

    @Test func diskViewReportsLinksAndFifosWithoutFollowingOrReadingThem() throws {
        let directory = try home.directory("layer")
        let file = try home.write("layer/install.sh", "echo\n")
        let secret = try home.write("secret", "token\n")
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: secret)
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        let disk = DiskLayerFileSystem()
        #expect(disk.kind(at: file) == .regularFile(size: 5))
        #expect(disk.kind(at: directory) == .directory)
        #expect(disk.kind(at: directory + "/link") == .symbolicLink)
        #expect(disk.kind(at: directory + "/fifo") == .other)
        #expect(disk.kind(at: directory + "/missing") == nil)
        #expect(try disk.contents(of: file, limit: 100) == Array("echo\n".utf8))
        #expect(throws: LayerFileSystemError.self) { try disk.contents(of: directory + "/link", limit: 100) }
        #expect(throws: LayerFileSystemError.self) { try disk.contents(of: directory + "/fifo", limit: 100) }
        #expect(throws: LayerFileSystemError.self) { try disk.contents(of: file, limit: 2) }
        #expect(Set(try disk.entries(of: directory)) == ["install.sh", "link", "fifo"])
    }

    @Test func aLinkedInstallScriptIsRefusedByPlan() throws {
        try writeLayer("src/app/.mino/layers/tools", name: "tools", script: nil)
        let secret = try home.write(".ssh/id_ed25519", "PRIVATE KEY\n")
        try FileManager.default.createSymbolicLink(
            atPath: project + "/.mino/layers/tools/install.sh", withDestinationPath: secret)
        let result = plan(["--layers", "tools"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("layer.symbolic-link"))
        #expect(!result.stdout.contains("PRIVATE KEY"))
    }
}
