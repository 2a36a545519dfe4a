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

@Suite struct CacheTests {
    @Test func bytesAreFormattedInBinaryUnits() {
        #expect(CacheUsage.format(0) == "0 B")
        #expect(CacheUsage.format(1023) == "1023 B")
        #expect(CacheUsage.format(1536) == "1.5 KB")
        #expect(CacheUsage.format(5 * 1024 * 1024) == "5.0 MB")
        #expect(CacheUsage.format(3 * 1024 * 1024 * 1024 / 2) == "1.5 GB")
    }

    @Test func usageLevelsAt80And100Percent() {
        let gib: Int64 = 1 << 30
        #expect(CacheUsage(totalBytes: 7 * gib, limitGigabytes: 10).level == .ok)
        #expect(CacheUsage(totalBytes: 8 * gib, limitGigabytes: 10).level == .warning)
        #expect(CacheUsage(totalBytes: 10 * gib, limitGigabytes: 10).level == .exceeded)
        #expect(CacheUsage(totalBytes: 99 * gib, limitGigabytes: 0).level == .ok)
        #expect(CacheUsage(totalBytes: 10 * gib, limitGigabytes: 10).runWarning?.contains("mino cache gc") == true)
    }

    @Test func recordsRoundTripAndMissingLastUseFallsBackToUpdate() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let record = CacheRecord(volumeName: "mino-cache-go-1", ecosystem: "go", key: "1", state: .complete, now: now)
        #expect(CacheRecord(json: Data(record.json.rendered().utf8)) == record)
        let old =
            #"{"volume_name":"v","ecosystem":"npm","state":"building","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z"}"#
        let parsed = try #require(CacheRecord(json: Data(old.utf8)))
        #expect(parsed.lastUsedAt == parsed.updatedAt)
        #expect(CacheRecord(json: Data("{".utf8)) == nil)
        #expect(
            CacheRecord(json: Data(#"{"volume_name":"v","ecosystem":"npm","state":"odd","created_at":"x"}"#.utf8))
                == nil)
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func cache(_ name: String, daysIdle: Double, bytes: Int64) -> CacheCatalog.Cache {
        CacheCatalog.Cache(
            volume: VolumeInfo(name: name, labels: [:], mountpoint: "/v/" + name, createdAt: nil), ecosystem: "npm",
            key: "k", state: .complete, sizeBytes: bytes, createdAt: nil,
            lastUsedAt: now.addingTimeInterval(-daysIdle * 86400))
    }

    static func home(_ name: String, project: String) -> CacheCatalog.Home {
        CacheCatalog.Home(
            volume: VolumeInfo(name: name, labels: [:], mountpoint: "", createdAt: nil), project: project,
            createdAt: nil, sizeBytes: nil)
    }

    @Test func gcByAgeKeepsRecentCaches() {
        let catalog = CacheCatalog(
            caches: [Self.cache("old", daysIdle: 40, bytes: 1), Self.cache("new", daysIdle: 2, bytes: 1)], homes: [],
            usage: CacheUsage(totalBytes: 2, limitGigabytes: 0))
        #expect(CacheGCCommand.plan(catalog, days: 30, now: Self.now) { _ in true }.caches.map(\.name) == ["old"])
        #expect(
            CacheGCCommand.plan(catalog, days: 0, now: Self.now) { _ in true }.caches.map(\.name) == ["old", "new"])
        #expect(CacheGCCommand.plan(catalog, days: nil, now: Self.now) { _ in true }.caches.isEmpty)
    }

    @Test func budgetEvictionRemovesTheLeastRecentlyUsedFirstUntilUnder() {
        let gib: Int64 = 1 << 30
        let catalog = CacheCatalog(
            caches: [
                Self.cache("b", daysIdle: 5, bytes: 2 * gib), Self.cache("a", daysIdle: 9, bytes: 2 * gib),
                Self.cache("c", daysIdle: 1, bytes: 2 * gib),
            ], homes: [], usage: CacheUsage(totalBytes: 6 * gib, limitGigabytes: 3))
        let plan = CacheGCCommand.plan(catalog, days: nil, now: Self.now) { _ in true }
        #expect(plan.caches.map(\.name) == ["a", "b"])
        // The allowed control: within budget nothing is evicted.
        var roomy = catalog
        roomy.usage = CacheUsage(totalBytes: 6 * gib, limitGigabytes: 6)
        #expect(CacheGCCommand.plan(roomy, days: nil, now: Self.now) { _ in true }.caches.isEmpty)
    }

    @Test func homeVolumesOfProjectsThatAreGoneAreOrphans() {
        let catalog = CacheCatalog(
            caches: [], homes: [Self.home("h1", project: "/gone"), Self.home("h2", project: "/here")],
            usage: CacheUsage(totalBytes: 0, limitGigabytes: 0))
        let plan = CacheGCCommand.plan(catalog, days: nil, now: Self.now) { $0 == "/here" }
        #expect(plan.homes.map(\.name) == ["h1"])
    }

    @Test func lockfilesAreRegularFilesInTheRootAndSymlinksAreNotFollowed() throws {
        let project = try TemporaryDirectory()
        try "lock".write(toFile: project.path + "/Cargo.lock", atomically: true, encoding: .utf8)
        try "secret".write(toFile: project.path + "/outside", atomically: true, encoding: .utf8)
        symlink(project.path + "/outside", project.path + "/go.sum")
        try FileManager.default.createDirectory(atPath: project.path + "/uv.lock", withIntermediateDirectories: true)
        let found = try LockfileScanner.scan(projectDirectory: project.path)
        #expect(found.map(\.fileName) == ["Cargo.lock"])
    }
}

extension CacheTests {
    static func config(global: String, project: String = "") -> EffectiveConfig {
        let user = ConfigDecoder.decode(SourceFile(path: "config.toml", text: global), as: .global).0
        let local = ConfigDecoder.decode(SourceFile(path: ".mino.toml", text: project), as: .project).0
        return EffectiveConfig(layers: [.defaults] + [user, local].compactMap { $0 })
    }

    @Test func cachesArePerProjectUnlessTheUsersConfigSharesThem() throws {
        let one = try TemporaryDirectory()
        let two = try TemporaryDirectory()
        for project in [one, two] {
            try "same".write(toFile: project.path + "/Cargo.lock", atomically: true, encoding: .utf8)
        }
        func names(_ config: EffectiveConfig, _ project: TemporaryDirectory) throws -> [String] {
            try LockfileScanner.cacheVolumes(config: config, projectDirectory: project.path).map(\.volumeName)
        }
        let bound = Self.config(global: "")
        #expect(try names(bound, one) != names(bound, two))
        #expect(try names(bound, one) == names(bound, one))
        let shared = Self.config(global: "[cache]\nshared = true\n")
        #expect(try names(shared, one) == names(shared, two))
        // A project file cannot turn sharing on (its layer never holds the key).
        let planted = Self.config(global: "", project: "[cache]\nshared = true\n")
        #expect(LockfileScanner.isShared(planted) == false)
        #expect(try names(planted, one) != names(planted, two))
    }

    @Test func cacheListShowsWhetherAVolumeIsBoundOrShared() {
        var bound = Self.cache("mino-cache-npm-k-01234567", daysIdle: 1, bytes: 1)
        bound.project = "/home/alice/app"
        let shared = Self.cache("mino-cache-npm-k", daysIdle: 1, bytes: 1)
        let catalog = CacheCatalog(
            caches: [bound, shared], homes: [], usage: CacheUsage(totalBytes: 2, limitGigabytes: 1))
        let table = CacheListCommand.table(catalog)
        #expect(table.contains("/home/alice/app"))
        #expect(table.contains("shared"))
        let json = CacheListCommand.json(catalog).rendered(pretty: false)
        #expect(json.contains(#""scope":"project""#))
        #expect(json.contains(#""scope":"shared""#))
    }

    @Test func podmanNanosecondTimestampsParse() {
        let date = SessionRecord.date("2026-11-22T14:58:35.067275105Z")
        #expect(date != nil)
        #expect(date.map { Int($0.timeIntervalSince1970) } == 1_795_359_515)
    }
}
