import Foundation
import Testing

extension Integration {
    /// Dependency caches on real podman volumes: one volume per ecosystem and lockfile, mounted
    /// at `/cache/<ecosystem>`, kept between runs, replaced when the lockfile changes, emptied
    /// by `--cache-fresh`, marked complete by a clean exit (attached or detached), and removed
    /// by `cache gc`/`cache clear` only when unused and only when mino's.
    @Suite struct CacheVolumes {
        /// `mino cache list -f json`, parsed: name → entry.
        static func caches(_ harness: Harness) -> [String: [String: Any]] {
            let result = harness.mino(["cache", "list", "-f", "json"])
            guard result.succeeded, let data = result.stdout.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let caches = object["caches"] as? [[String: Any]]
            else { return [:] }
            var byName = [String: [String: Any]]()
            for cache in caches { if let name = cache.string("name") { byName[name] = cache } }
            return byName
        }

        /// Writes an npm and a cargo lockfile unique to this test; returns nothing, the names
        /// come from `cache list`.
        static func writeLockfiles(_ harness: Harness, revision: Int = 1) throws {
            try harness.writeProject(
                "package-lock.json", "{\"name\": \"\(harness.prefix)\", \"lockfileVersion\": 3, \"rev\": \(revision)}\n"
            )
            try harness.writeProject("Cargo.lock", "# \(harness.prefix)\nversion = 3\n")
        }

        /// The mino cache volumes of this identity whose ecosystem is `ecosystem`.
        static func volumes(_ harness: Harness, _ ecosystem: String) -> Set<String> {
            harness.volumeNames().filter { $0.hasPrefix("mino-cache-\(ecosystem)-") }
        }

        @Test(.enabled(if: IntegrationGate.isEnabled))
        func twoEcosystemsPersistAndFollowTheLockfile() throws {
            let harness = try Harness(.rootless)
            let npmBefore = Self.volumes(harness, "npm")
            let cargoBefore = Self.volumes(harness, "cargo")
            try Self.writeLockfiles(harness)
            let first = harness.run(
                [], ["sh", "-c", "echo \"$npm_config_cache $CARGO_HOME\"; echo kept > \"$npm_config_cache/marker\""])
            try #require(first.succeeded, "\(first)")
            #expect(first.stdout.contains("/cache/npm /cache/cargo"), "\(first)")
            let npm = Self.volumes(harness, "npm").subtracting(npmBefore)
            let cargo = Self.volumes(harness, "cargo").subtracting(cargoBefore)
            npm.union(cargo).forEach(harness.removeVolumeAtCleanUp)
            try #require(npm.count == 1 && cargo.count == 1, "one new volume per ecosystem: \(npm) \(cargo)")
            let npmVolume = try #require(npm.first)
            #expect(Self.caches(harness)[npmVolume]?.string("state") == "complete", "a clean exit completes it")

            // Run 2: the same lockfile, the same volume, the file is still there.
            let second = harness.run([], ["sh", "-c", "cat \"$npm_config_cache/marker\""])
            #expect(second.succeeded && second.stdout.contains("kept"), "\(second)")
            #expect(Self.volumes(harness, "npm").subtracting(npmBefore) == npm)

            // A changed lockfile: a new, empty volume; the old one stays for the old lockfile.
            try Self.writeLockfiles(harness, revision: 2)
            let changed = harness.run([], ["sh", "-c", "ls -A \"$npm_config_cache\"; echo listed"])
            let npmAfterChange = Self.volumes(harness, "npm").subtracting(npmBefore)
            npmAfterChange.forEach(harness.removeVolumeAtCleanUp)
            #expect(changed.succeeded && !changed.stdout.contains("marker"), "\(changed)")
            #expect(npmAfterChange.count == 2 && npmAfterChange.contains(npmVolume), "\(npmAfterChange)")

            // Back to the first lockfile: the marker is there (control), then --cache-fresh empties it.
            try Self.writeLockfiles(harness)
            let control = harness.run([], ["sh", "-c", "cat \"$npm_config_cache/marker\""])
            #expect(control.succeeded && control.stdout.contains("kept"), "\(control)")
            let fresh = harness.run(["--cache-fresh"], ["sh", "-c", "ls -A \"$npm_config_cache\"; echo listed"])
            #expect(fresh.succeeded && fresh.stdout.contains("listed") && !fresh.stdout.contains("marker"), "\(fresh)")

            // --no-cache: no cache variables, no mount.
            let none = harness.run(["--no-cache"], ["sh", "-c", "echo \"npm=${npm_config_cache:-unset}\""])
            #expect(none.succeeded && none.stdout.contains("npm=unset"), "\(none)")
        }

        /// A session that fails leaves its new cache `building`; the next clean run completes it.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func onlyACleanExitCompletesACache() throws {
            let harness = try Harness(.rootless)
            let before = Self.volumes(harness, "npm")
            try Self.writeLockfiles(harness)
            let failed = harness.run([], ["sh", "-c", "exit 3"])
            #expect(failed.status == 3, "\(failed)")
            let created = Self.volumes(harness, "npm").subtracting(before)
            for volume in Self.volumes(harness, "cargo") where !before.contains(volume) {
                harness.removeVolumeAtCleanUp(volume)
            }
            created.forEach(harness.removeVolumeAtCleanUp)
            let volume = try #require(created.first)
            #expect(Self.caches(harness)[volume]?.string("state") == "building")
            let ok = harness.run([], ["true"])
            #expect(ok.succeeded, "\(ok)")
            #expect(Self.caches(harness)[volume]?.string("state") == "complete")
        }

        /// A detached session's supervisor completes the cache once the agent exits 0.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func detachedSessionsFinaliseTheirCaches() throws {
            let harness = try Harness(.rootless)
            let before = Self.volumes(harness, "npm").union(Self.volumes(harness, "cargo"))
            try Self.writeLockfiles(harness)
            let name = harness.name("cache-d")
            let started = harness.mino(["run", "-q", "-d", "-n", name, "--", "sh", "-c", "sleep 2"])
            try #require(started.succeeded, "\(started)")
            let created = Self.volumes(harness, "npm").union(Self.volumes(harness, "cargo")).subtracting(before)
            created.forEach(harness.removeVolumeAtCleanUp)
            #expect(created.count == 2, "\(created)")
            for volume in created {
                #expect(Self.caches(harness)[volume]?.string("state") == "building", "still running: \(volume)")
            }
            let ended = Command.poll(timeout: 60) { harness.record(name)?.string("status") == "stopped" }
            #expect(ended, "\(harness.record(name) ?? [:])")
            for volume in created {
                #expect(Self.caches(harness)[volume]?.string("state") == "complete", "\(volume)")
            }
        }

        /// Over `cache.max_total_gb`, gc evicts the least recently used caches until the total
        /// fits: of two 700 MB caches (sparse files: du counts their apparent size) under a 1 GB
        /// budget, the older goes and the newer stays. Root's storage, like the test below.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func budgetEvictionRemovesTheLeastRecentlyUsedFirst() throws {
            let harness = try Harness(.root)
            try (try String(contentsOfFile: harness.configFile, encoding: .utf8) + "[cache]\nmax_total_gb = 1\n")
                .write(toFile: harness.configFile, atomically: true, encoding: .utf8)
            let before = Self.volumes(harness, "npm")
            var made = [String]()
            for project in ["older", "newer"] {
                let directory = harness.project + "/" + project
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try "{\"name\": \"\(project)-\(harness.prefix)\"}\n".write(
                    toFile: directory + "/package-lock.json", atomically: true, encoding: .utf8)
                let run = harness.mino([
                    "run", "-q", "-p", directory, "--", "sh", "-c", "truncate -s 700M \"$npm_config_cache/big\"",
                ])
                #expect(run.succeeded, "\(run)")
                let new = Self.volumes(harness, "npm").subtracting(before).subtracting(made)
                new.forEach(harness.removeVolumeAtCleanUp)
                made += new.sorted()
                usleep(1_100_000)  // distinct last-use times
            }
            try #require(made.count == 2, "\(made)")
            let listed = harness.mino(["cache", "list"])
            #expect(listed.output.contains("cache limit exceeded"), "over budget: \(listed)")
            let gc = harness.mino(["cache", "gc"])
            #expect(gc.succeeded, "\(gc)")
            let after = harness.volumeNames()
            #expect(!after.contains(made[0]), "the least recently used cache is evicted: \(gc)")
            #expect(after.contains(made[1]), "the newer one fits the budget and stays: \(gc)")
        }

        /// gc and clear, as root (rootful storage; the suites run one after another, so no other
        /// test's caches are there): a dry run deletes nothing, a volume in use survives, a
        /// volume or container that is not mino's is never touched.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func gcAndClearRemoveOnlyUnusedMinoVolumes() throws {
            let harness = try Harness(.root)
            let foreignVolume = harness.name("foreign-vol")
            let foreignContainer = harness.name("foreign-ctr")
            harness.removeVolumeAtCleanUp(foreignVolume)
            #expect(harness.podman(["volume", "create", foreignVolume]).succeeded)
            let control = harness.podman([
                "create", "--name", foreignContainer, "-v", foreignVolume + ":/data", Harness.image, "true",
            ])
            #expect(control.succeeded, "\(control)")

            // Two caches: one idle, one held by a running detached session.
            try Self.writeLockfiles(harness)
            #expect(harness.run([], ["true"]).succeeded)
            let idle = Self.volumes(harness, "npm").union(Self.volumes(harness, "cargo"))
            idle.forEach(harness.removeVolumeAtCleanUp)
            try #require(idle.count >= 2, "\(idle)")
            let busyProject = harness.project + "/busy"
            try FileManager.default.createDirectory(atPath: busyProject, withIntermediateDirectories: true)
            try "{\"name\": \"busy-\(harness.prefix)\"}\n".write(
                toFile: busyProject + "/package-lock.json", atomically: true, encoding: .utf8)
            let name = harness.name("busy")
            let busyRun = harness.mino([
                "run", "-q", "-d", "-n", name, "-p", busyProject, "--", "sh", "-c",
                "trap 'exit 0' TERM; while :; do sleep 1; done",
            ])
            try #require(busyRun.succeeded, "\(busyRun)")
            let busy = try #require(Self.volumes(harness, "npm").subtracting(idle).first)
            harness.removeVolumeAtCleanUp(busy)

            let dryRun = harness.mino(["cache", "gc", "--days", "0", "--dry-run"])
            #expect(dryRun.succeeded, "\(dryRun)")
            for volume in idle { #expect(dryRun.stdout.contains(volume), "listed: \(volume)\n\(dryRun)") }
            #expect(harness.volumeNames().isSuperset(of: idle.union([busy])), "a dry run deletes nothing")

            let gc = harness.mino(["cache", "gc", "--days", "0"])
            #expect(gc.succeeded, "\(gc)")
            let afterGC = harness.volumeNames()
            #expect(afterGC.isDisjoint(with: idle), "unused caches removed: \(afterGC.intersection(idle))")
            #expect(afterGC.contains(busy), "the cache in use by \(name) stays")
            #expect(afterGC.contains(foreignVolume), "a volume that is not mino's stays")

            #expect(harness.mino(["stop", name]).succeeded)
            let clear = harness.mino(["cache", "clear", "--volumes", "-y"])
            #expect(clear.succeeded, "\(clear)")
            let afterClear = harness.volumeNames()
            #expect(!afterClear.contains(busy), "no longer in use: cleared")
            #expect(afterClear.contains(foreignVolume), "clear leaves other volumes alone")
            #expect(harness.containers(matching: foreignContainer) == [foreignContainer], "and other containers")
        }
    }
}
