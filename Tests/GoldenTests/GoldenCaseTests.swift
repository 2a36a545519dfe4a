import Foundation
import MinoCommands
import TestSupport
import Testing

/// Every scenario under `Cases/` against its `expected/` files, byte for byte.
@Suite struct GoldenCaseTests {
    static let recordVariable = "MINO_RECORD_GOLDENS"

    @Test(arguments: GoldenCase.all)
    func scenarioProducesExactlyItsExpectedArtifacts(_ golden: GoldenCase) {
        let produced = GoldenPipeline.produce(golden)
        for (file, text) in produced.sorted(by: { $0.key < $1.key }) {
            #expect(text.hasSuffix("\n"), "\(golden.name)/\(file) must end with a newline")
            #expect(!text.contains("\r"), "\(golden.name)/\(file) must use LF line endings")
            GoldenFile.assertMatches(
                text, file: golden.expectedDirectory.appendingPathComponent(file),
                name: "\(golden.name)/expected/\(file)",
                recordVariable: Self.recordVariable, filter: "GoldenTests")
        }
        let stale = golden.expectedFiles().subtracting(produced.keys)
        #expect(
            stale.isEmpty,
            "\(golden.name): expected files the scenario no longer produces (delete them): \(stale.sorted())")
    }

    @Test func thereAreAtLeastFortyScenarios() {
        #expect(GoldenCase.all.count >= 40)
    }

    @Test func goldensHoldNoPathOfThisMachine() throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let repository = RepositoryPaths.root.path
        for golden in GoldenCase.all {
            for file in golden.expectedFiles() {
                let text = try String(
                    contentsOf: golden.expectedDirectory.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.contains(repository), "\(golden.name)/\(file) holds the repository path")
                if home != "/" {
                    #expect(!text.contains(home + "/"), "\(golden.name)/\(file) holds this machine's home")
                }
            }
        }
    }

    @Test func compilingACaseTwiceGivesIdenticalBytes() {
        for golden in GoldenCase.all.prefix(10) {
            #expect(GoldenPipeline.produce(golden) == GoldenPipeline.produce(golden), "\(golden.name)")
        }
    }
}

/// `mino policy check` on the TOML input of every golden scenario that fails to compile.
@Suite struct GoldenPolicyCheckTests {
    static var invalidFileCases: [GoldenCase] {
        GoldenCase.all.filter { golden in
            golden.expectedFiles() == ["diagnostics.txt"] && golden.input("args.txt") == nil
                && golden.input("facts.txt") == nil
                && (golden.input("global.toml") ?? golden.input("project.toml")) != nil
        }
    }

    @Test func thereAreInvalidFileCases() {
        #expect(Self.invalidFileCases.count >= 4)
    }

    @Test(arguments: invalidFileCases)
    func policyCheckExits65WithFileLineAndColumn(_ golden: GoldenCase) {
        let file = golden.directory.appendingPathComponent(
            golden.input("global.toml") != nil ? "global.toml" : "project.toml")
        let errors = OutputBuffer()
        let context = CommandContext(
            arguments: ["policy", "check", file.path, "--diagnostics-format", "plain"],
            environment: ["HOME": "/nonexistent"], currentDirectory: golden.directory.path, standardError: errors.writer
        )
        let status = MinoApplication.run(context, registry: .standard)
        #expect(status == 65, "\(golden.name): \(errors.text)")
        let name = file.lastPathComponent
        #expect(
            errors.text.range(of: "\(name):[0-9]+:[0-9]+: error\\[", options: .regularExpression) != nil,
            "\(errors.text)")
    }
}
