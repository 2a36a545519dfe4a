import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// The first-run questions (network, layers) in a real terminal: the built `mino` runs in a tmux pane, the
/// test answers with keys and reads the screen. PATH holds no podman, so each run ends with
/// "podman not found" right after the prompts; what matters is what they asked and saved.
@Suite(.serialized) struct FirstRunPromptTerminalTests {
    /// The binary `swift build` made: `<repo>/.build/debug/mino` (scripts/test builds it first).
    static let mino: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, MinoCommandsTests, Tests
        return url.appendingPathComponent(".build/debug/mino").path
    }()

    @Test func savedChoiceWritesTheProjectFileAndEndsTheQuestion() throws {
        guard ShellHarness.available(["tmux"]) else { return }
        guard FileManager.default.isExecutableFile(atPath: Self.mino) else {
            if ShellHarness.isCI { Issue.record("\(Self.mino) is missing: run `swift build` first") }
            return
        }
        let directory = try TemporaryDirectory()
        let project = try directory.directory("project")
        let emptyBin = try directory.directory("bin")
        // An image in the global config keeps the layer picker out of this test.
        _ = try directory.write("config/mino/config.toml", "[container]\nimage = \"localhost/example:latest\"\n")
        let original = "# Team policy: reviewed like code.\nversion = 1\n\n[container]\n# keep this comment\n"
        _ = try directory.write("project/.mino.toml", original)
        let environment = [
            "PATH": emptyBin, "HOME": directory.path, "XDG_CONFIG_HOME": directory.path + "/config",
            "XDG_STATE_HOME": directory.path + "/state", "TERM": "xterm", "LANG": "C.UTF-8",
        ]
        let command = [Self.mino, "run", "-p", project, "--", "true"]

        let first = try ShellHarness.Pane(
            command: ["/bin/sh", "-c", command.joined(separator: " ") + "; /bin/sleep 30"], environment: environment)
        defer { first.close() }
        let asked = try first.wait { $0.contains("Choose 1-5") }
        #expect(asked.contains("Select network mode") && asked.contains("Allowlist: dev"), "\(asked)")
        try first.send("3", "Enter")
        let saving = try first.wait { $0.contains("Save this network setting?") && $0.contains("Choose 1-3") }
        #expect(saving.contains("Save to"), "\(saving)")
        try first.send("1", "Enter")
        let saved = try first.wait { $0.contains("Saved container.network_preset") }
        #expect(saved.contains("Saved container.network_preset = \"dev\""), "\(saved)")
        let text = try String(contentsOfFile: project + "/.mino.toml", encoding: .utf8)
        // Every byte of the original is still there: the edit added one line and nothing else.
        let added = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
            $0 != "network_preset = \"dev\""
        }
        #expect(added.joined(separator: "\n") == original, "comments kept byte for byte:\n\(text)")
        #expect(text.contains("network_preset = \"dev\""), "\(text)")

        // The next run does not ask (the control above shows the same run did).
        let second = try ShellHarness.Pane(
            command: ["/bin/sh", "-c", command.joined(separator: " ") + "; echo run-ended; /bin/sleep 30"],
            environment: environment)
        defer { second.close() }
        let screen = try second.wait { $0.contains("run-ended") }
        #expect(screen.contains("run-ended") && !screen.contains("Select network mode"), "\(screen)")
    }

    /// With no image or layers configured, an interactive run offers "Base only" and every
    /// layer mino can find, a project layer first; the choice applies to the run and, saved
    /// globally, ends the question. The network is configured, so only this question comes.
    @Test func layerPickerOffersEveryLayerAndASavedChoiceEndsIt() throws {
        guard ShellHarness.available(["tmux"]) else { return }
        guard FileManager.default.isExecutableFile(atPath: Self.mino) else {
            if ShellHarness.isCI { Issue.record("\(Self.mino) is missing: run `swift build` first") }
            return
        }
        let directory = try TemporaryDirectory()
        let project = try directory.directory("project")
        let emptyBin = try directory.directory("bin")
        let global = try directory.write("config/mino/config.toml", "[container]\nnetwork = \"none\"\n")
        _ = try directory.write(
            "project/.mino/layers/tools/layer.toml",
            "[layer]\nname = \"tools\"\ndescription = \"the project's tools\"\nversion = \"1\"\n")
        _ = try directory.write("project/.mino/layers/tools/install.sh", "#!/bin/sh\ntrue\n")
        let environment = [
            "PATH": emptyBin, "HOME": directory.path, "XDG_CONFIG_HOME": directory.path + "/config",
            "XDG_STATE_HOME": directory.path + "/state", "TERM": "xterm", "LANG": "C.UTF-8",
        ]
        let command = [Self.mino, "run", "-p", project, "--", "true"].joined(separator: " ")

        let first = try ShellHarness.Pane(
            command: ["/bin/sh", "-c", command + "; /bin/sleep 30"], environment: environment)
        defer { first.close() }
        let asked = try first.wait { $0.contains("Choose one or more") }
        #expect(asked.contains("Select development tools") && asked.contains("Base only"), "\(asked)")
        for layer in ["tools", "python", "rust", "typescript"] {
            #expect(asked.contains(layer), "offers \(layer):\n\(asked)")
        }
        #expect(!asked.contains("Select network mode"), "the network is configured")
        // 3 = python (Base only, tools, python, rust, typescript).
        try first.send("3", "Enter")
        _ = try first.wait { $0.contains("Save this configuration?") && $0.contains("Choose 1-3") }
        try first.send("2", "Enter")
        let saved = try first.wait { $0.contains("Saved container.layers") }
        #expect(saved.contains("Saved container.layers = [\"python\"]"), "\(saved)")
        let text = try String(contentsOfFile: global, encoding: .utf8)
        #expect(text.contains("layers = [\"python\"]") && text.contains("network = \"none\""), "\(text)")

        let second = try ShellHarness.Pane(
            command: ["/bin/sh", "-c", command + "; echo run-ended; /bin/sleep 30"], environment: environment)
        defer { second.close() }
        let screen = try second.wait { $0.contains("run-ended") }
        #expect(screen.contains("run-ended") && !screen.contains("Select development tools"), "\(screen)")
    }
}
