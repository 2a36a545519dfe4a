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

@Suite struct NetworkPromptTests {
    static func context(home: String, directory: String, input: [String], interactive: Bool = true) -> (
        CommandContext, OutputBuffer
    ) {
        let err = OutputBuffer()
        let queue = LineQueue(input)
        let context = CommandContext(
            arguments: [], environment: ["HOME": home, "XDG_STATE_HOME": home + "/state"],
            currentDirectory: directory, standardError: err.writer, standardInput: InputReader { queue.next() },
            standardInputIsTerminal: interactive, standardOutputIsTerminal: interactive)
        return (context, err)
    }

    static func locations(_ context: CommandContext) -> ConfigLocations {
        ConfigLocations(context: context)
    }

    @Test func askedOnlyWhenInteractiveAndNothingButDefaultsDecidesTheNetwork() throws {
        let home = try TemporaryDirectory()
        let (interactive, _) = Self.context(home: home.path, directory: home.path, input: [])
        #expect(NetworkPrompt.shouldAsk(EffectiveConfig(layers: [.defaults]), context: interactive))
        let (batch, _) = Self.context(home: home.path, directory: home.path, input: [], interactive: false)
        #expect(!NetworkPrompt.shouldAsk(EffectiveConfig(layers: [.defaults]), context: batch))
        // A saved default counts as a choice: no prompt.
        let (global, _) = ConfigDecoder.decode(
            SourceFile(path: "config.toml", text: "[container]\nnetwork = \"bridge\"\n"), as: .global)
        #expect(
            !NetworkPrompt.shouldAsk(EffectiveConfig(layers: [.defaults, try #require(global)]), context: interactive))
    }

    @Test func choosingAPresetAndTheProjectWritesItKeepingCommentsAndStopsTheQuestion() throws {
        let home = try TemporaryDirectory()
        let project = try home.directory("src/app")
        try home.write("src/app/.mino.toml", "# team policy\nversion = 1 # v1\n")
        let (context, err) = Self.context(home: home.path, directory: project, input: ["3", "1"])
        let layer = try NetworkPrompt(
            context: context, locations: Self.locations(context), projectDirectory: context.currentDirectory
        ).ask()
        #expect(layer?["container.network_preset"]?.value == .string("dev"))
        let text = try String(contentsOfFile: project + "/.mino.toml", encoding: .utf8)
        #expect(text == "# team policy\nversion = 1 # v1\n\n[container]\nnetwork_preset = \"dev\"\n")
        #expect(err.text.contains("Allowlist: dev"))
        let (saved, _) = ConfigDecoder.decode(SourceFile(path: ".mino.toml", text: text), as: .project)
        let config = EffectiveConfig(layers: [.defaults, try #require(saved)])
        #expect(!NetworkPrompt.shouldAsk(config, context: context))
    }

    @Test func enterTakesTheDefaultsAndDontSaveWritesNothing() throws {
        let home = try TemporaryDirectory()
        let (context, _) = Self.context(home: home.path, directory: home.path, input: ["", "3"])
        let layer = try NetworkPrompt(
            context: context, locations: Self.locations(context), projectDirectory: context.currentDirectory
        ).ask()
        #expect(layer?["container.network"]?.value == .string("bridge"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.mino.toml"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.config/mino/config.toml"))
    }

    @Test func closedInputAndNonsenseFallBackToTheDefault() throws {
        let home = try TemporaryDirectory()
        let (closed, _) = Self.context(home: home.path, directory: home.path, input: [])
        #expect(
            try NetworkPrompt(
                context: closed, locations: Self.locations(closed), projectDirectory: closed.currentDirectory
            ).ask() == nil)
        let (nonsense, err) = Self.context(home: home.path, directory: home.path, input: ["9", "x", "0"])
        #expect(
            try NetworkPrompt(
                context: nonsense, locations: Self.locations(nonsense), projectDirectory: nonsense.currentDirectory
            ).ask() == nil)
        #expect(err.text.contains("Type a number from 1 to 5"))
    }
}
