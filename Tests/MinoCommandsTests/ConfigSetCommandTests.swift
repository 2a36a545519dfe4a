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

@Suite struct ConfigSetCommandTests {
    let home: TemporaryDirectory
    var environment: [String: String] { ["HOME": home.path, "XDG_STATE_HOME": home.path + "/state"] }
    var globalPath: String { home.path + "/.config/mino/config.toml" }

    init() throws {
        home = try TemporaryDirectory()
    }

    func run(_ arguments: [String], in directory: String? = nil) -> MinoRun {
        MinoRun(arguments, environment: environment, registry: .standard, currentDirectory: directory ?? home.path)
    }

    /// A value of the key's type that passes its checks and differs from the default.
    static func sample(_ key: ConfigKey) -> (text: String, value: ConfigValue) {
        switch (key.type, key.constraint) {
        case (.boolean, _):
            let flipped = key.defaultValue != .boolean(true)
            return (flipped ? "yes" : "no", .boolean(flipped))
        case (.integer(let range), _): return ("\(range.lowerBound + 1)", .integer(range.lowerBound + 1))
        case (.choice(let choices), _):
            let choice = choices.first { .string($0) != key.defaultValue } ?? choices[0]
            return (choice, .string(choice))
        case (.strings, .networkRules):
            return ("a.example:443, b.example:80", .strings(["a.example:443", "b.example:80"]))
        case (.strings, .absolutePaths): return (#"["/opt/a", "/opt/b"]"#, .strings(["/opt/a", "/opt/b"]))
        case (.strings, .homeRelativePaths): return (".a,.b/c", .strings([".a", ".b/c"]))
        case (.strings, .environmentNameList): return ("A_1,B", .strings(["A_1", "B"]))
        case (.strings, .layerNames): return ("rust,python", .strings(["rust", "python"]))
        case (.strings, .addressBlocks): return ("10.0.0.0/8, fd00::/8", .strings(["10.0.0.0/8", "fd00::/8"]))
        case (.strings, .resolverEndpoints):
            return (#"["192.0.2.53", "[2001:db8::53]:5353"]"#, .strings(["192.0.2.53", "[2001:db8::53]:5353"]))
        case (.strings, .recordTypes): return ("TXT,SRV", .strings(["TXT", "SRV"]))
        case (.strings, _): return ("/src:/data:ro", .strings(["/src:/data:ro"]))
        case (.string, .userName): return ("agent_1", .string("agent_1"))
        case (.string, _): return ("some value", .string("some value"))
        case (.table, _): return ("{}", .table([:]))
        }
    }

    @Test(arguments: ConfigSchema.keys.filter { $0.settable && $0.type != .table })
    func everySettableKeyRoundTrips(key: ConfigKey) throws {
        try home.write(".config/mino/config.toml", "# keep me\nversion = 1 # and me\n")
        let (text, value) = Self.sample(key)
        let result = run(["config", "set", key.name, text])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try String(contentsOfFile: globalPath, encoding: .utf8)
        #expect(written.hasPrefix("# keep me\nversion = 1 # and me\n"))
        let (layer, problems) = ConfigDecoder.decode(SourceFile(path: "config.toml", text: written), as: .global)
        #expect(problems.isEmpty)
        #expect(layer?[key.name]?.value == value)
    }

    @Test func commentsAndOtherKeysStayByteForByte() throws {
        let original = """
            # Global settings, reviewed by hand.
            version = 1

            [container] # the sandbox
            network = "bridge"   # aligned comment
            image = "base"

            [cache]
            gc_days = 7 # a week

            """
        try home.write(".config/mino/config.toml", original)
        #expect(run(["config", "set", "container.network", "none"]).status == 0)
        let expected = original.replacingOccurrences(of: "network = \"bridge\"", with: "network = \"none\"")
        #expect(try String(contentsOfFile: globalPath, encoding: .utf8) == expected)
    }

    @Test func theConfigFlagNamesTheFileThatIsEdited() throws {
        let other = try home.write("other.toml", "version = 1\n")
        #expect(run(["config", "set", "--config", other, "session.shell", "/bin/zsh"]).status == 0)
        #expect(try String(contentsOfFile: other, encoding: .utf8).contains("shell = \"/bin/zsh\""))
        #expect(!FileManager.default.fileExists(atPath: globalPath))
        var viaEnvironment = environment
        viaEnvironment["MINO_CONFIG"] = other
        let result = MinoRun(
            ["config", "set", "cache.gc_days", "3"], environment: viaEnvironment, registry: .standard,
            currentDirectory: home.path)
        #expect(result.status == 0)
        #expect(try String(contentsOfFile: other, encoding: .utf8).contains("gc_days = 3"))
    }

    @Test func localEditsTheProjectFileAndNeverCopiesItIntoTheGlobalOne() throws {
        let project = try home.directory("src/app")
        try home.write("src/app/.mino.toml", "version = 1\n[container]\nnetwork = \"none\"\n")
        try home.write(".config/mino/config.toml", "version = 1\n")
        #expect(run(["config", "set", "--local", "cache.enabled", "false"], in: project).status == 0)
        #expect(run(["config", "set", "session.shell", "/bin/zsh"], in: project).status == 0)
        let global = try String(contentsOfFile: globalPath, encoding: .utf8)
        #expect(global == "version = 1\n\n[session]\nshell = \"/bin/zsh\"\n")
        let local = try String(contentsOfFile: project + "/.mino.toml", encoding: .utf8)
        #expect(local.contains("enabled = false") && local.contains("network = \"none\""))
    }

    @Test func unknownKeysAndBadValuesAreUsageErrorsWithHints() throws {
        let unknown = run(["config", "set", "container.netwrk", "none"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("did you mean `container.network`?"))
        let badNumber = run(["config", "set", "cache.gc_days", "soon"])
        #expect(badNumber.status == 64)
        #expect(badNumber.stderr.contains("is not an integer"))
        let badChoice = run(["config", "set", "container.network", "wide"])
        #expect(badChoice.status == 64)
        let badRule = run(["config", "set", "container.network_allow", "no-port"])
        #expect(badRule.status == 64)
        let table = run(["config", "set", "container.env", "x"])
        #expect(table.status == 64)
        #expect(table.stderr.contains("container.env.NAME"))
        #expect(!FileManager.default.fileExists(atPath: globalPath))
        // The control: a good value for the same key is written.
        #expect(run(["config", "set", "container.network", "host"]).status == 0)
    }

    @Test func environmentMembersAreSetOneAtATimeAndSecretsAreNotEchoed() throws {
        let token = run(["config", "set", "container.env.API_TOKEN", "tok-canary-1"])
        #expect(token.status == 0)
        #expect(!token.stdout.contains("tok-canary-1") && token.stdout.contains("<redacted>"))
        #expect(run(["config", "set", "container.env.LANG", "C.UTF-8"]).stdout.contains("C.UTF-8"))
        let text = try String(contentsOfFile: globalPath, encoding: .utf8)
        #expect(text.contains("[container.env]\nAPI_TOKEN = \"tok-canary-1\"\nLANG = \"C.UTF-8\"\n"))
        #expect(run(["config", "set", "container.env.1BAD", "x"]).status == 64)
    }

    @Test func anInvalidFileIsNotEdited() throws {
        try home.write(".config/mino/config.toml", "[container\nnetwork = 1\n")
        let result = run(["config", "set", "container.network", "none"])
        #expect(result.status == 65)
        #expect(try String(contentsOfFile: globalPath, encoding: .utf8) == "[container\nnetwork = 1\n")
    }

    @Test func anUnwritableLocationIsAClearErrorAndLeavesNoTemporaryFile() throws {
        // A regular file where the config directory should be: the directory cannot exist.
        try home.write(".config/mino", "not a directory")
        let result = run(["config", "set", "container.network", "none"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path + "/.config")
        #expect(leftovers == ["mino"])
    }

    @Test func ownEditsOfAnAcceptedProjectFileStayAccepted() throws {
        let project = try home.directory("src/app")
        // A new file: the widening key the user sets applies without a trust prompt.
        #expect(run(["config", "set", "--local", "container.env.OWN_VARIABLE", "1"], in: project).status == 0)
        let plan = run(["plan", "--", "true"], in: project)
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("OWN_VARIABLE=1"))
        #expect(!plan.stdout.contains("trust.widening-ignored"))
        // The control: a repository's file with an unapproved widening key stays unapproved
        // after the user's own edit.
        let other = try home.directory("src/other")
        try home.write("src/other/.mino.toml", "version = 1\n[container.env]\nEVIL_VARIABLE = \"1\"\n")
        #expect(run(["config", "set", "--local", "session.shell", "/bin/sh"], in: other).status == 0)
        let held = run(["plan", "--", "true"], in: other)
        #expect(held.status == 0)
        #expect(!held.stdout.contains("EVIL_VARIABLE=1"))
        #expect(held.stdout.contains("trust.widening-ignored"))
    }
}

@Suite struct InitCommandTests {
    @Test func projectInitWritesAFileThatPassesPolicyCheckAndRefusesToOverwrite() throws {
        let home = try TemporaryDirectory()
        let project = try home.directory("app")
        let environment = ["HOME": home.path]
        let first = MinoRun(["init"], environment: environment, registry: .standard, currentDirectory: project)
        #expect(first.status == 0)
        let check = MinoRun(
            ["policy", "check", ".mino.toml"], environment: environment, registry: .standard, currentDirectory: project)
        #expect(check.status == 0)
        let text = try String(contentsOfFile: project + "/.mino.toml", encoding: .utf8)
        #expect(text.contains("version = 1"))
        let again = MinoRun(["init"], environment: environment, registry: .standard, currentDirectory: project)
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"))
        #expect(
            MinoRun(["init", "-f", "-p", project], environment: environment, registry: .standard).status == 0)
        #expect(
            MinoRun(["init", "-p", home.path + "/missing"], environment: environment, registry: .standard).status == 66)
    }

    @Test func globalInitWritesEveryKeyCommentedOutAndChangesNothing() throws {
        let home = try TemporaryDirectory()
        let environment = ["HOME": home.path]
        #expect(MinoRun(["config", "init"], environment: environment, registry: .standard).status == 0)
        let path = home.path + "/.config/mino/config.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (layer, problems) = ConfigDecoder.decode(SourceFile(path: "config.toml", text: text), as: .global)
        #expect(problems.isEmpty)
        #expect(layer?.settings.isEmpty == true)
        for key in ConfigSchema.keys {
            #expect(text.contains("# \(key.path.last ?? "") = "), "\(key.name) is missing from the template")
        }
        // Uncommenting any line gives a valid file.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.wholeMatch(of: /# [a-z_0-9]+ = .*/) != nil ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        let (_, uncommentedProblems) = ConfigDecoder.decode(
            SourceFile(path: "config.toml", text: uncommented), as: .global)
        #expect(uncommentedProblems.filter { $0.severity == .error }.isEmpty, "\(uncommentedProblems)")
        #expect(MinoRun(["config", "init"], environment: environment, registry: .standard).status == 1)
    }
}
