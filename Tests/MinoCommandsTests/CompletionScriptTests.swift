import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// The completion scripts, loaded into real bash, zsh and fish and driven through each
/// shell's own completion machinery.
///
/// Dynamic values come from `mino list -a -f plain`; the tests put a stand-in `mino` first on
/// PATH that answers that one command with two fixed session names.
@Suite(.serialized) struct CompletionScriptTests {
    let directory: TemporaryDirectory
    let bin: String

    init() throws {
        directory = try TemporaryDirectory()
        bin = try directory.directory("bin")
        let standIn = try directory.write(
            "bin/mino",
            "#!/bin/sh\n# Stand-in for mino in completion tests: answers `list -a -f plain`.\n"
                + "[ \"$*\" = 'list -a -f plain' ] && printf 'alpha-session\\nbeta-session\\n'\n")
        chmod(standIn, 0o755)
        _ = try directory.directory("project/.mino/layers/hello-layer")
    }

    func script(_ shell: String) throws -> String {
        let run = MinoRun(["completions", shell], registry: .standard)
        #expect(run.status == 0)
        return try directory.write("mino.\(shell)", run.stdout)
    }

    var environment: [String: String] {
        ["PATH": bin + ":/usr/bin:/bin", "HOME": directory.path, "TERM": "xterm", "LANG": "C.UTF-8"]
    }

    @Test func fishCompletesSubcommandsFlagsPresetsAndSessions() throws {
        guard ShellHarness.available(["fish"]), let fish = ShellHarness.find("fish") else { return }
        let file = try script("fish")
        func complete(_ line: String) throws -> [String] {
            let output = try ShellHarness.run(
                fish, ["--no-config", "-c", "cd \(directory.path)/project; source \(file); complete -C '\(line)'"],
                environment: environment)
            return output.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
        #expect(try complete("mino ca") == ["cache"])
        #expect(try complete("mino cache ") == ["clear", "gc", "info", "list"])
        #expect(try complete("mino run --network-p") == ["--network-preset"])
        #expect(try complete("mino run --network-preset ") == ["dev", "registries"])
        #expect(try complete("mino -v stop ") == ["alpha-session", "beta-session"])
        #expect(try complete("mino run --layers hel") == ["hello-layer"])
        // The control: a word that names nothing completes to nothing.
        #expect(try complete("mino zzz").isEmpty)
    }

    @Test func bashCompletesThroughReadline() throws {
        guard ShellHarness.available(["bash", "tmux"]) else { return }
        let file = try script("bash")
        let rc = try directory.write("bashrc", "PS1='> '\nsource \(file)\ncd \(directory.path)/project\n")
        let pane = try ShellHarness.Pane(
            command: ["bash", "--noprofile", "--rcfile", rc, "-i"], environment: environment)
        defer { pane.close() }
        _ = try pane.wait { $0.contains(">") }
        try pane.send("mino cache cl", "Tab")
        #expect(try pane.wait { $0.contains("mino cache clear") }.contains("mino cache clear"))
        try pane.send("C-u", "mino run --network-preset ", "Tab", "Tab")
        let presets = try pane.wait { $0.contains("registries") }
        #expect(presets.contains("dev") && presets.contains("registries"))
        try pane.send("C-u", "mino stop ", "Tab", "Tab")
        #expect(try pane.wait { $0.contains("beta-session") }.contains("alpha-session"))
        try pane.send("C-u", "mino run --rea", "Tab")
        #expect(try pane.wait { $0.contains("--read-only") }.contains("mino run --read-only"))
    }

    @Test func zshCompletesThroughCompsys() throws {
        guard ShellHarness.available(["zsh", "tmux"]) else { return }
        let file = try script("zsh")
        let home = try directory.directory("zdot")
        try directory.write(
            "zdot/.zshrc",
            "autoload -U compinit && compinit -u\nsource \(file)\nPROMPT='> '\ncd \(directory.path)/project\n")
        var environment = environment
        environment["ZDOTDIR"] = home
        let pane = try ShellHarness.Pane(command: ["zsh", "-i"], environment: environment)
        defer { pane.close() }
        _ = try pane.wait { $0.contains(">") }
        try pane.send("mino cache cl", "Tab")
        #expect(try pane.wait { $0.contains("mino cache clear") }.contains("mino cache clear"))
        try pane.send("C-u", "mino run --network-preset ", "Tab")
        let presets = try pane.wait { $0.contains("registries") }
        #expect(presets.contains("dev") && presets.contains("registries"))
        try pane.send("C-u", "mino ", "Tab")
        let commands = try pane.wait { $0.contains("completions") }
        #expect(commands.contains("cache") && commands.contains("Manage dependency caches"))
        try pane.send("C-u", "mino stop ", "Tab")
        #expect(try pane.wait { $0.contains("beta-session") }.contains("alpha-session"))
    }

    @Test func scriptsParseInEveryShell() throws {
        for (shell, flag) in [("bash", "-n"), ("zsh", "-n"), ("fish", "--no-execute")] {
            guard ShellHarness.available([shell]), let path = ShellHarness.find(shell) else { continue }
            let file = try script(shell)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = [flag, file]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(shell) rejects its script")
        }
    }
}
