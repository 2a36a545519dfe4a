import Diagnostics
import PolicyModel
import Testing

@testable import Backends

@Suite struct VolumeBackendTests {
    @Test func cacheVolumesCarryTheirLabels() throws {
        let volume = CacheVolume(ecosystem: "npm", volumeName: "mino-cache-npm-0123456789ab", environment: [:])
        let argv = try VolumeBackend.createCache(volume, key: "0123456789ab", createdAt: "2026-01-02T03:04:05Z").get()
        #expect(
            argv == [
                "volume", "create", "--label", "io.mino.cache=true", "--label",
                "io.mino.cache.ecosystem=npm",
                "--label", "io.mino.cache.hash=0123456789ab", "--label", "io.mino.cache.state=building", "--label",
                "io.mino.cache.created_at=2026-01-02T03:04:05Z", "mino-cache-npm-0123456789ab",
            ])
    }

    @Test func homeVolumesNameTheirProject() throws {
        let argv = try VolumeBackend.createHome("mino-home-abc", project: "/src/a b", createdAt: "t").get()
        #expect(
            argv.suffix(7) == [
                "--label", "io.mino.home=true", "--label", "io.mino.home.project=/src/a b", "--label",
                "io.mino.home.created_at=t", "mino-home-abc",
            ])
    }

    @Test func hostileNamesAndLabelsAreRefused() {
        let bad = CacheVolume(ecosystem: "npm", volumeName: "--rm", environment: [:])
        #expect(throws: DiagnosticError.self) { try VolumeBackend.createCache(bad, key: "k", createdAt: "t").get() }
        #expect(throws: DiagnosticError.self) {
            try VolumeBackend.createHome("mino-home-a", project: "/x\ny", createdAt: "t").get()
        }
        // The allowed control: the same call with a clean path succeeds.
        #expect((try? VolumeBackend.createHome("mino-home-a", project: "/x y", createdAt: "t").get()) != nil)
    }
}
