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

@Suite struct ConfigPathCommandTests {
    @Test func defaultIsUnderXDGConfigHomeOrHomeDotConfig() {
        let xdg = MinoRun(
            ["config", "path"], environment: ["HOME": "/home/agent", "XDG_CONFIG_HOME": "/xdg"], registry: .standard)
        #expect(xdg.status == 0)
        #expect(xdg.stdout == "/xdg/mino/config.toml\n")
        let home = MinoRun(["config", "path"], environment: ["HOME": "/home/agent"], registry: .standard)
        #expect(home.stdout == "/home/agent/.config/mino/config.toml\n")
    }

    @Test func configFlagBeatsTheEnvironmentWhichBeatsTheDefault() {
        let environment = ["HOME": "/home/agent", "MINO_CONFIG": "/etc/mino.toml"]
        #expect(
            MinoRun(["config", "path"], environment: environment, registry: .standard).stdout == "/etc/mino.toml\n")
        let flag = MinoRun(["-c", "~/m.toml", "config", "path"], environment: environment, registry: .standard)
        #expect(flag.stdout == "/home/agent/m.toml\n")
        let relative = MinoRun(
            ["config", "path", "--config", "conf/m.toml"], environment: environment, registry: .standard)
        #expect(relative.stdout == "/work/project/conf/m.toml\n")
    }
}

@Suite struct ConfigShowCommandTests {
    @Test func withoutFilesItPrintsTheDocumentedDefaults() throws {
        let home = try TemporaryDirectory()
        let run = MinoRun(
            ["config"], environment: ["HOME": home.path], registry: .standard, currentDirectory: home.path)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout == EffectiveConfig(layers: [.defaults]).renderedTOML())
        #expect(run.stdout.contains("[container]\nimage = \"fedora:43\"\n"))
        #expect(run.stdout.contains("network = \"bridge\""))
    }

    @Test func theGlobalFileOverridesDefaultsKeyByKey() throws {
        let home = try TemporaryDirectory()
        try home.write(
            ".config/mino/config.toml", "# mine\n[container]\nnetwork = \"none\"\n[session]\nshell = \"/bin/zsh\"\n")
        let run = MinoRun(
            ["config", "show"], environment: ["HOME": home.path], registry: .standard, currentDirectory: home.path)
        #expect(run.status == 0)
        let document = try TOMLParser.parse(run.stdout)
        #expect(document.root["container"]?.tableValue?["network"]?.stringValue == "none")
        #expect(document.root["session"]?.tableValue?["shell"]?.stringValue == "/bin/zsh")
        #expect(document.root["container"]?.tableValue?["workdir"]?.stringValue == "/workspace")
    }

    @Test func anInvalidGlobalFileExits65WithEveryError() throws {
        let home = try TemporaryDirectory()
        try home.write(".config/mino/config.toml", "[container]\nnetwrk = 1\nread_only = 2\n")
        let run = MinoRun(
            ["config", "show", "--diagnostics-format", "plain"], environment: ["HOME": home.path], registry: .standard,
            currentDirectory: home.path)
        #expect(run.status == 65)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix(".config/mino/config.toml:2:1: error[policy.unknown-key]") == true)
    }

    @Test func aMissingFileNamedExplicitlyExits66() throws {
        let home = try TemporaryDirectory()
        let run = MinoRun(
            ["config", "show", "-c", "missing.toml"], environment: ["HOME": home.path], registry: .standard,
            currentDirectory: home.path)
        #expect(run.status == 66)
        #expect(run.code == "config.file-not-found")
    }

    @Test func theProjectFileIsMergedThroughTheTrustGate() throws {
        let home = try TemporaryDirectory()
        let project = try home.directory("src/app")
        try home.write("src/.mino.toml", "[container]\nnetwork = \"host\"\nread_only = true\n")
        let run = MinoRun(
            ["config", "show"], environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(run.status == 0)
        // Narrowing applies; widening is held back with a warning at its span.
        #expect(run.stdout.contains("read_only = true"))
        #expect(run.stdout.contains("network = \"bridge\""))
        #expect(run.stderr.contains("warning[trust.widening-ignored]: `container.network`"))
        // With --trust-local the widening applies too (and says so).
        let trusted = MinoRun(
            ["config", "show", "--trust-local"], environment: ["HOME": home.path], registry: .standard,
            currentDirectory: project)
        #expect(trusted.stdout.contains("network = \"host\""))
        #expect(trusted.stderr.contains("warning[trust.trust-local]"))
        let local = MinoRun(
            ["config", "show", "--no-local"], environment: ["HOME": home.path], registry: .standard,
            currentDirectory: project)
        #expect(local.stderr.isEmpty)
        #expect(!local.stdout.contains("read_only = true"))
    }
}

@Suite struct PolicyCheckCommandTests {
    @Test func validFilesExitZeroAndSayOk() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.toml", "version = 1\n[container]\nnetwork_allow = [\"github.com:443\"]\n")
        try dir.write("b.toml", "")
        let run = MinoRun(
            ["policy", "check", "a.toml", "b.toml"], environment: ["HOME": dir.path], registry: .standard,
            currentDirectory: dir.path)
        #expect(run.status == 0)
        #expect(run.stdout == "a.toml: ok\nb.toml: ok\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func invalidFilesExit65WithFileLineAndColumn() throws {
        let dir = try TemporaryDirectory()
        try dir.write("bad.toml", "[container]\nnetwork = \"brige\"\n")
        try dir.write("syntax.toml", "a = \n")
        try dir.write("good.toml", "[cache]\nenabled = false\n")
        let run = MinoRun(
            ["policy", "check", "bad.toml", "syntax.toml", "good.toml", "--diagnostics-format", "plain"],
            environment: ["HOME": dir.path], registry: .standard, currentDirectory: dir.path)
        #expect(run.status == 65)
        #expect(run.stdout == "good.toml: ok\n")
        #expect(run.stderr.contains("bad.toml:2:11: error[policy.invalid-value]"))
        #expect(run.stderr.contains("syntax.toml:1:5: error[toml.expected-value]"))
        #expect(run.stderr.hasSuffix("2 errors, 0 warnings in 3 files\n"))
    }

    @Test func aMissingFileExits66() throws {
        let dir = try TemporaryDirectory()
        try dir.write("good.toml", "")
        let run = MinoRun(
            ["policy", "check", "good.toml", "nope.toml"], environment: ["HOME": dir.path], registry: .standard,
            currentDirectory: dir.path)
        #expect(run.status == 66)
        #expect(run.stderr.contains("error[config.file-not-found]: config file `nope.toml` does not exist"))
    }

    @Test func withoutArgumentsItChecksTheGlobalConfigAndTheDiscoveredProjectFile() throws {
        let home = try TemporaryDirectory()
        try home.write(".config/mino/config.toml", "[general]\naudit_log = true\n")
        try home.write("repo/.mino.toml", "[container]\nread_only = true\n")
        let nested = try home.directory("repo/src/deep")
        let run = MinoRun(
            ["policy", "check"], environment: ["HOME": home.path], registry: .standard, currentDirectory: nested)
        #expect(run.status == 0)
        #expect(run.stdout == "\(home.path)/.config/mino/config.toml: ok\n\(home.path)/repo/.mino.toml: ok\n")
    }

    @Test func discoveryNeverLooksAboveTheHomeDirectory() throws {
        let root = try TemporaryDirectory()
        try root.write(".mino.toml", "[container]\nnetwork = \"host\"\n")  // planted above home
        let home = try root.directory("home/agent")
        let project = try root.directory("home/agent/project")
        let run = MinoRun(
            ["policy", "check"], environment: ["HOME": home], registry: .standard, currentDirectory: project)
        #expect(run.status == 66)
        #expect(run.code == "policy.no-files")
        // Control: the same file inside the home directory is found.
        try root.write("home/agent/.mino.toml", "")
        let found = MinoRun(
            ["policy", "check"], environment: ["HOME": home], registry: .standard, currentDirectory: project)
        #expect(found.status == 0)
        #expect(found.stdout == "\(home)/.mino.toml: ok\n")
    }

    @Test func aProjectOutsideHomeOnlyHasItsOwnDirectorySearched() throws {
        let root = try TemporaryDirectory()
        try root.write("shared/.mino.toml", "")
        let project = try root.directory("shared/project")
        let run = MinoRun(
            ["policy", "check"], environment: ["HOME": "/nonexistent-home"], registry: .standard,
            currentDirectory: project)
        #expect(run.status == 66)
        try root.write("shared/project/.mino.toml", "")
        let own = MinoRun(
            ["policy", "check"], environment: ["HOME": "/nonexistent-home"], registry: .standard,
            currentDirectory: project)
        #expect(own.status == 0)
    }

    @Test func jsonFormatPrintsOneArrayOnStandardOutput() throws {
        let dir = try TemporaryDirectory()
        try dir.write("bad.toml", "[container]\nzzz = 1\n")
        let run = MinoRun(
            ["policy", "check", "bad.toml", "--diagnostics-format", "json"], environment: ["HOME": dir.path],
            registry: .standard, currentDirectory: dir.path)
        #expect(run.status == 65)
        let data = Data(run.stdout.utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 1)
        #expect(array.first?["code"] as? String == "policy.unknown-key")
        #expect(run.stderr.isEmpty)
    }
}
