import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct LayerResolutionTests {
    static let project = "/home/agent/src/app"
    static let user = "/home/agent/.config/mino/layers"
    static let search = LayerSearchPaths(projectDirectory: project, userLayers: user)
    static let projectLayers = project + "/.mino/layers"

    static func manifest(_ name: String, version: String = "1", extra: String = "") -> String {
        "[layer]\nname = \"\(name)\"\ndescription = \"d\"\nversion = \"\(version)\"\n" + extra
    }

    static func resolve(
        _ names: [String], _ fileSystem: InMemoryLayerFileSystem
    ) throws(DiagnosticError) -> [ResolvedLayer] {
        try LayerResolution.resolve(names.map { Sourced($0, .builtin) }, search: search, fileSystem: fileSystem)
    }

    static func errors(_ names: [String], _ fileSystem: InMemoryLayerFileSystem) -> [Diagnostic] {
        do {
            _ = try resolve(names, fileSystem)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func projectShadowsUserWhichShadowsBuiltIn() throws {
        var fileSystem = InMemoryLayerFileSystem()
        #expect(try Self.resolve(["python"], fileSystem).first?.scope == .builtin)
        fileSystem.addLayer(Self.user + "/python", ["layer.toml": Self.manifest("python"), "install.sh": "true\n"])
        #expect(try Self.resolve(["python"], fileSystem).first?.scope == .user)
        fileSystem.addLayer(
            Self.projectLayers + "/python", ["layer.toml": Self.manifest("python"), "install.sh": "true\n"])
        let layer = try #require(try Self.resolve(["python"], fileSystem).first)
        #expect(layer.scope == .project)
        #expect(layer.directory == Self.projectLayers + "/python")
        #expect(layer.needsApproval)
    }

    @Test func aliasesFindTheBuiltInAfterTheDirectoriesUnderTheirOwnName() throws {
        let builtin = try #require(try Self.resolve(["ts"], InMemoryLayerFileSystem()).first)
        #expect(builtin.name == "typescript")
        #expect(builtin.requested.value == "ts")
        #expect(builtin.scope == .builtin)
        #expect(builtin.directory == "images/layers/typescript")
        #expect(!builtin.needsApproval)
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.user + "/ts", ["layer.toml": Self.manifest("ts"), "install.sh": "true\n"])
        #expect(try Self.resolve(["ts"], fileSystem).first?.name == "ts")
    }

    @Test func resultKeepsTheAskedOrderAndEachLayerOnce() throws {
        let layers = try Self.resolve(["rust", "py", "cargo", "python"], InMemoryLayerFileSystem())
        #expect(layers.map(\.name) == ["rust", "python"])
    }

    @Test func notFoundNamesEveryPlaceSearchedAndHowToCreateTheLayer() throws {
        let errors = Self.errors(["nope"], InMemoryLayerFileSystem())
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == "layer.not-found")
        #expect(error.message.contains("`\(Self.projectLayers)/nope`"))
        #expect(error.message.contains("`\(Self.user)/nope`"))
        #expect(error.message.contains("the built-in layers (python, rust, typescript)"))
        #expect(error.help?.contains(".mino/layers/nope/") == true)
    }

    @Test func missingInstallScriptIsAnErrorAtTheLayerTableUnlessTheLayerInstallsForTheUser() throws {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools")])
        let error = try #require(Self.errors(["tools"], fileSystem).first)
        #expect(error.code == "layer.missing-install-script")
        #expect(error.message.contains(Self.projectLayers + "/tools/install.sh"))
        let span = try #require(error.origin?.fileSpan)
        #expect(span.file.path == Self.projectLayers + "/tools/layer.toml")
        #expect(span.start == SourceLocation(line: 1, column: 1))

        fileSystem.addLayer(
            Self.projectLayers + "/tools",
            ["layer.toml": Self.manifest("tools", extra: "[user_install]\nruntime = \"uv\"\n")])
        let layer = try #require(try Self.resolve(["tools"], fileSystem).first)
        #expect(layer.installScript == nil)
        #expect(!layer.changesImage)
    }

    @Test func manifestErrorsCarryTheManifestPathLineAndColumn() throws {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(
            Self.user + "/tools",
            ["layer.toml": Self.manifest("tools", extra: "[root_install]\npakages = [\"jq\"]\n"), "install.sh": "x\n"])
        let error = try #require(Self.errors(["tools"], fileSystem).first)
        #expect(error.code == "layer.unknown-key")
        #expect(error.help == "did you mean `packages`?")
        let span = try #require(error.origin?.fileSpan)
        #expect(span.file.path == Self.user + "/tools/layer.toml")
        #expect(span.start == SourceLocation(line: 6, column: 1))
    }

    @Test func manifestNameMustMatchTheDirectory() throws {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(
            Self.projectLayers + "/tools", ["layer.toml": Self.manifest("typescript"), "install.sh": "x\n"])
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.name-mismatch"])
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools"), "install.sh": "x\n"])
        #expect(Self.errors(["tools"], fileSystem).isEmpty)
    }

    @Test func directoryWithoutManifestIsAnError() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["install.sh": "x\n"])
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.missing-manifest"])
    }

    @Test(arguments: ["a/b", "..", ".", "../../etc", "", "-rf", "x\ny", "x y", "a\\b", "x\0y", "é"])
    func hostileNamesAreRefusedBeforeAnyLookup(_ name: String) {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(
            Self.projectLayers + "/ok-name_2", ["layer.toml": Self.manifest("ok-name_2"), "install.sh": "x\n"])
        #expect(Self.errors([name], fileSystem).map(\.code) == ["layer.invalid-name"])
        #expect(Self.errors(["ok-name_2"], fileSystem).isEmpty)
    }

    @Test func symbolicLinksAreRefusedNeverFollowed() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools"), "install.sh": "x\n"])
        #expect(Self.errors(["tools"], fileSystem).isEmpty)
        fileSystem.nodes[Self.projectLayers + "/tools/install.sh"] = .symbolicLink(
            target: "/home/agent/.ssh/id_ed25519")
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.symbolic-link"])
        fileSystem.nodes[Self.projectLayers + "/linked"] = .symbolicLink(target: Self.projectLayers + "/tools")
        #expect(Self.errors(["linked"], fileSystem).map(\.code) == ["layer.symbolic-link"])
    }

    @Test func specialFilesAreRefusedNeverRead() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools"), "install.sh": "x\n"])
        fileSystem.nodes[Self.projectLayers + "/tools/fifo"] = .special
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.special-file"])
        fileSystem.nodes[Self.projectLayers + "/tools/fifo"] = .file([1, 2, 3])
        #expect(Self.errors(["tools"], fileSystem).isEmpty)
    }

    @Test func aFileWhereTheLayerDirectoryShouldBeIsAnError() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.add(Self.projectLayers + "/tools", "not a directory")
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.not-a-directory"])
    }

    @Test func unreadableFilesAreErrorsNamingThePath() throws {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools")])
        fileSystem.nodes[Self.projectLayers + "/tools/install.sh"] = .unreadableFile
        let error = try #require(Self.errors(["tools"], fileSystem).first)
        #expect(error.code == "layer.unreadable")
        #expect(error.message.contains(Self.projectLayers + "/tools/install.sh"))
    }

    @Test func oversizedLayersAreRefused() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/tools", ["layer.toml": Self.manifest("tools"), "install.sh": "x\n"])
        for index in 0..<LayerResolution.maximumFiles - 2 {
            fileSystem.add(Self.projectLayers + "/tools/data/\(index)", "x")
        }
        #expect(Self.errors(["tools"], fileSystem).isEmpty)
        fileSystem.add(Self.projectLayers + "/tools/data/one-too-many", "x")
        #expect(Self.errors(["tools"], fileSystem).map(\.code) == ["layer.too-large"])
    }

    @Test func everyFileOfTheDirectoryIsReadAndHashed() throws {
        var fileSystem = InMemoryLayerFileSystem()
        let directory = Self.projectLayers + "/tools"
        fileSystem.addLayer(
            directory, ["layer.toml": Self.manifest("tools"), "install.sh": "x\n", "lib/helper.sh": "echo\n"])
        let first = try #require(try Self.resolve(["tools"], fileSystem).first)
        #expect(first.files.map(\.path) == ["install.sh", "layer.toml", "lib/helper.sh"])
        #expect(first.contentHash == ResolvedLayer.contentHash(of: first.files))
        fileSystem.add(directory + "/lib/helper.sh", "echo!\n")
        let second = try #require(try Self.resolve(["tools"], fileSystem).first)
        #expect(second.contentHash != first.contentHash)
        #expect(try Self.resolve(["tools"], fileSystem).first?.contentHash == second.contentHash)
    }

    @Test func commentOnlyScriptsCountAsNoScript() throws {
        var fileSystem = InMemoryLayerFileSystem()
        let extra = "[user_install]\nruntime = \"nvm\"\n"
        fileSystem.addLayer(
            Self.user + "/tools",
            ["layer.toml": Self.manifest("tools", extra: extra), "install.sh": "#!/bin/sh\n\n  # nothing\n"])
        #expect(try Self.resolve(["tools"], fileSystem).first?.installScript == nil)
        fileSystem.add(Self.user + "/tools/install.sh", "#!/bin/sh\ntrue\n")
        #expect(try Self.resolve(["tools"], fileSystem).first?.installScript == Array("#!/bin/sh\ntrue\n".utf8))
    }

    @Test func everyBrokenLayerIsReportedTogether() {
        var fileSystem = InMemoryLayerFileSystem()
        fileSystem.addLayer(Self.projectLayers + "/a", ["layer.toml": Self.manifest("a")])
        #expect(
            Self.errors(["a", "b", "-x"], fileSystem).map(\.code) == [
                "layer.missing-install-script", "layer.not-found", "layer.invalid-name",
            ])
    }
}
