import Diagnostics
import PolicyModel
import TOML
import Testing

@testable import PolicyCompiler

@Suite struct LockfileDetectionTests {
    static func detect(_ files: [String: String]) -> [Lockfile] {
        LockfileDetection.detect { (name: String) -> [UInt8]? in files[name].map { Array($0.utf8) } }
    }

    @Test func keyIsTheFirstTwelveHexDigitsOfTheSHA256OfTheBytes() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        let found = Self.detect(["Cargo.lock": "abc"])
        #expect(found.map { $0.volumeName(project: nil) } == ["mino-cache-cargo-ba7816bf8f01"])
        #expect(found.first?.key == "ba7816bf8f01")
    }

    @Test func ecosystemsComeInTableOrderAndTheFirstLockfileOfEachWins() {
        let found = Self.detect([
            "go.sum": "g", "npm-shrinkwrap.json": "s", "package-lock.json": "p", "Pipfile.lock": "f",
            "requirements.txt": "r", "Cargo.lock": "c",
        ])
        #expect(found.map(\.ecosystem.id) == ["npm", "cargo", "pip", "go"])
        #expect(found.map(\.fileName) == ["package-lock.json", "Cargo.lock", "requirements.txt", "go.sum"])
    }

    @Test func everyEcosystemOfTheTableIsDetected() {
        var files = [String: String]()
        for ecosystem in CacheEcosystem.all { files[ecosystem.lockfiles[0]] = ecosystem.id }
        #expect(
            Self.detect(files).map(\.ecosystem.id) == ["npm", "yarn", "pnpm", "cargo", "pip", "poetry", "uv", "go"])
        #expect(Self.detect([:]).isEmpty)
    }

    @Test func eachEcosystemHasItsOwnMountAndItsVariablesPointInsideIt() {
        let volumes = LockfileDetection.volumes(
            for: Self.detect(["package-lock.json": "1", "Cargo.lock": "2"]), project: nil)
        #expect(volumes.map(\.target) == ["/cache/npm", "/cache/cargo"])
        #expect(volumes[0].environment == ["npm_config_cache": "/cache/npm", "XDG_CACHE_HOME": "/cache/npm/xdg"])
        #expect(volumes[1].environment == ["CARGO_HOME": "/cache/cargo", "SCCACHE_DIR": "/cache/cargo/sccache"])
        #expect(volumes.map(\.lockfile) == ["package-lock.json", "Cargo.lock"])
        for volume in volumes {
            for value in volume.environment.values { #expect(value.hasPrefix(volume.target)) }
        }
    }

    @Test func borrowedVariablesGoToTheOwnerWhenItIsPresent() {
        let both = LockfileDetection.volumes(
            for: Self.detect(["package-lock.json": "1", "yarn.lock": "2"]), project: nil)
        #expect(both[1].environment == ["YARN_CACHE_FOLDER": "/cache/yarn"])
        let yarnOnly = LockfileDetection.volumes(
            for: Self.detect(["yarn.lock": "2", "pnpm-lock.yaml": "3"]), project: nil)
        #expect(yarnOnly[0].environment["npm_config_cache"] == "/cache/yarn/npm")
        #expect(yarnOnly[1].environment["npm_config_cache"] == nil)
        let poetry = LockfileDetection.volumes(for: Self.detect(["poetry.lock": "4"]), project: nil)
        #expect(poetry[0].environment["PIP_CACHE_DIR"] == "/cache/poetry/pip")
    }

    @Test func noVariableIsSetByTwoVolumes() {
        var files = [String: String]()
        for ecosystem in CacheEcosystem.all { files[ecosystem.lockfiles[0]] = ecosystem.id }
        let names = LockfileDetection.volumes(for: Self.detect(files), project: nil).flatMap(\.environment.keys)
        #expect(names.count == Set(names).count)
    }

    @Test func readErrorsPropagate() {
        struct Unreadable: Error {}
        #expect(throws: Unreadable.self) {
            _ = try LockfileDetection.detect { (_: String) throws(Unreadable) -> [UInt8]? in throw Unreadable() }
        }
    }

    @Test func theKeyOfAVolumeIsWhatFollowsItsEcosystemPrefix() {
        #expect(
            CacheVolume(ecosystem: "go", volumeName: "mino-cache-go-0123456789ab", environment: [:]).key
                == "0123456789ab")
        #expect(CacheVolume(ecosystem: "go", volumeName: "other", environment: [:]).key == "")
    }

    @Test func twoProjectsWithTheSameLockfileGetDifferentVolumes() {
        let lockfiles = Self.detect(["Cargo.lock": "same"])
        let first = LockfileDetection.volumes(for: lockfiles, project: "/home/alice/src/one")
        let second = LockfileDetection.volumes(for: lockfiles, project: "/home/alice/src/two")
        #expect(first.map(\.volumeName) != second.map(\.volumeName))
        #expect(first.map(\.project) == ["/home/alice/src/one"])
        // Deterministic, a valid podman name, and the content key is still recoverable.
        #expect(first == LockfileDetection.volumes(for: lockfiles, project: "/home/alice/src/one"))
        let name = first[0].volumeName
        #expect(name.hasPrefix("mino-cache-cargo-" + lockfiles[0].key + "-"))
        #expect(name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
        #expect(first[0].key == lockfiles[0].key)
    }

    @Test func sharedVolumesAreTheSameForEveryProject() {
        let lockfiles = Self.detect(["Cargo.lock": "same"])
        let shared = LockfileDetection.volumes(for: lockfiles, project: nil)
        #expect(shared.map(\.volumeName) == ["mino-cache-cargo-" + lockfiles[0].key])
        #expect(shared.map(\.project) == [nil])
        #expect(shared[0].key == lockfiles[0].key)
    }

    @Test func aProjectFileMayNotShareCaches() {
        let (_, diagnostics) = ConfigDecoder.decode(
            SourceFile(path: ".mino.toml", text: "[cache]\nshared = true\n"), as: .project)
        #expect(diagnostics.contains { $0.severity == .error })
        let (layer, userDiagnostics) = ConfigDecoder.decode(
            SourceFile(path: "config.toml", text: "[cache]\nshared = true\n"), as: .global)
        #expect(userDiagnostics.isEmpty)
        #expect(layer?.settings["cache.shared"]?.value == .boolean(true))
    }
}
