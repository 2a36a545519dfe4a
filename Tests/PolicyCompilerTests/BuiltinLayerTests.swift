import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct BuiltinLayerTests {
    @Test func embeddedLayersMatchTheImagesDirectoryByteForByte() throws {
        let root = RepositoryPaths.root.appendingPathComponent("images/layers")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(BuiltinLayers.names), "run scripts/generate-layers")
        for name in BuiltinLayers.names {
            let directory = root.appendingPathComponent(name)
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            let embedded = try #require(BuiltinLayers.files(of: name))
            #expect(embedded.map(\.path).sorted() == onDisk, "layer \(name) is stale: run scripts/generate-layers")
            for file in embedded {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file.path))
                #expect(file.bytes == [UInt8](bytes), "\(name)/\(file.path) is stale: run scripts/generate-layers")
            }
        }
    }

    @Test func everyBuiltInLayerResolvesWithTheDocumentedShape() throws {
        let layers = try LayerResolution.resolve(
            ["typescript", "rust", "python"].map { Sourced($0, .builtin) },
            search: LayerSearchPaths(projectDirectory: "/p", userLayers: "/u"), fileSystem: InMemoryLayerFileSystem())
        let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
        let typescript = try #require(byName["typescript"])
        #expect(typescript.manifest.userInstall?.runtime?.value == .nvm)
        #expect(typescript.manifest.userInstall?.runtimeVersion?.value == "22")
        #expect(!typescript.changesImage)
        let rust = try #require(byName["rust"])
        #expect(rust.manifest.userInstall?.runtime?.value == .rustup)
        #expect(!rust.changesImage)
        let python = try #require(byName["python"])
        #expect(python.manifest.rootPackages.map(\.value) == ["python3", "python3-dev", "python3-venv"])
        #expect(python.changesImage)
        #expect(python.manifest.environment.map(\.name).contains("UV_CACHE_DIR"))
        for layer in layers {
            #expect(layer.manifest.version.value == "2")
            #expect(layer.manifest.origin.fileSpan?.file.path == "images/layers/\(layer.name)/layer.toml")
        }
    }

    @Test func everyAliasNamesABuiltInLayer() {
        for (alias, name) in ImageResolution.layerAliases {
            #expect(BuiltinLayers.names.contains(name), "alias \(alias)")
        }
    }
}
