import Diagnostics
import Foundation
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct PresetTests {
    @Test func embeddedPresetsMatchThePolicyFilesByteForByte() throws {
        let directory = RepositoryPaths.root.appendingPathComponent("policies")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinPresets.names), "run scripts/generate-presets")
        for name in BuiltinPresets.names {
            let text = try String(contentsOf: directory.appendingPathComponent(name + ".toml"), encoding: .utf8)
            let layer = try #require(BuiltinPresets.layers[name], "preset \(name) does not decode")
            #expect(layer.source?.bytes == Array(text.utf8), "preset \(name) is stale: run scripts/generate-presets")
        }
    }

    @Test func presetsHoldExactlyTheDocumentedRulesInOrder() {
        #expect(
            BuiltinPresets.layers["dev"]?["container.network_allow"]?.value
                == .strings([
                    "github.com:443", "github.com:22", "api.github.com:443", "registry.npmjs.org:443", "crates.io:443",
                    "static.crates.io:443", "index.crates.io:443", "pypi.org:443", "files.pythonhosted.org:443",
                    "api.anthropic.com:443", "api.openai.com:443",
                ]))
        #expect(
            BuiltinPresets.layers["registries"]?["container.network_allow"]?.value
                == .strings([
                    "registry.npmjs.org:443", "crates.io:443", "static.crates.io:443", "index.crates.io:443",
                    "pypi.org:443",
                    "files.pythonhosted.org:443",
                ]))
        #expect(BuiltinPresets.names == ConfigSchema.networkPresets)
    }

    @Test func presetRulesCarryThePresetOriginAndTheirLine() throws {
        let setting = try #require(BuiltinPresets.layers["registries"]?["container.network_allow"])
        guard case .preset(let name, let location?) = setting.origin(ofElement: 0) else {
            Issue.record("expected a preset origin")
            return
        }
        #expect(name == "registries")
        #expect(location.file.path == "policies/registries.toml")
        #expect(location.start.line == 5)
    }
}
