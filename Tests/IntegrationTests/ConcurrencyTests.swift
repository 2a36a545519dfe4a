import Foundation
import Testing

extension Integration {
    /// Many mino processes at once share the state directory and podman without corrupting
    /// either, and leave nothing behind.
    @Suite struct Concurrency {
        static let sessionCount = 20

        /// The rootless network namespaces podman holds (one per running container with a
        /// network, plus the rootless one).
        static func networkNamespaces() -> Set<String> {
            let uid = Identity.rootless.ids.uid
            return Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/user/\(uid)/netns")) ?? [])
        }

        /// 20 detached sessions (each behind a fence) start concurrently; `mino list` shows
        /// the 20; `mino stop` ends each (also concurrently). Afterwards no container is left,
        /// every record is stopped, and no fence outlives its session (the namespaces holding
        /// the rules are gone).
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func twentyDetachedSessions() throws {
            let harness = try Harness(.rootless)
            let names = (0..<Self.sessionCount).map { harness.name("many\($0)") }
            let agent = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
            let starts = try names.map { name in
                try harness.spawnMino(
                    ["run", "-q", "-d", "-n", name, "--network-allow", "10.88.0.254:80", "--"] + agent)
            }
            for (name, start) in zip(names, starts) {
                let result = start.wait(timeout: 180)
                #expect(result.succeeded, "\(name): \(result)")
            }
            let listed = harness.mino(["list", "-f", "plain"])
            #expect(Set(listed.lines) == Set(names), "\(listed)")
            let running = harness.sessions().filter { $0.string("status") == "running" }
            #expect(running.count == Self.sessionCount)
            // Each has its own resolver (its configuration in the record, its runtime directory,
            // the fence hook's socket in it): the hook loaded the fence and handed it over.
            let resolved = running.filter { $0["resolver"] is [String: Any] && $0.string("runtime_dir") != nil }
            #expect(resolved.count == Self.sessionCount, "every session has its own resolver")
            let directories = resolved.compactMap { $0.string("runtime_dir") }
            #expect(harness.containers(matching: harness.prefix).count == Self.sessionCount)
            // This test's own namespaces (other tests run beside it and make theirs).
            let ids = harness.containers(matching: harness.prefix)
            let inspected = harness.podman(["inspect", "--format", "{{.NetworkSettings.SandboxKey}}"] + ids)
            let namespaces = Set(inspected.lines.compactMap { $0.split(separator: "/").last.map(String.init) })
            #expect(namespaces.count == Self.sessionCount, "\(inspected)")
            #expect(namespaces.isSubset(of: Self.networkNamespaces()), "\(namespaces)")

            let stops = try names.map { try harness.spawnMino(["stop", $0]) }
            for (name, stop) in zip(names, stops) {
                let result = stop.wait(timeout: 120)
                #expect(result.succeeded && result.stdout.contains("stopped"), "\(name): \(result)")
            }
            #expect(harness.containers(matching: harness.prefix).isEmpty, "containers left behind")
            let records = harness.sessions()
            #expect(records.count == Self.sessionCount)
            for record in records {
                #expect(record.string("status") == "stopped", "\(record)")
            }
            // Each fence lived in its container's network namespace: those namespaces and the
            // sessions' runtime directories are gone (the supervisors exit once their container
            // is removed, taking their resolver with them).
            let directoriesGone = Command.poll(timeout: 30) {
                directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
            }
            #expect(directoriesGone, "runtime directories left: \(directories)")
            let settled = Command.poll(timeout: 30) { Self.networkNamespaces().isDisjoint(with: namespaces) }
            #expect(settled, "namespaces left: \(Self.networkNamespaces().intersection(namespaces))")
            let supervisorsGone = Command.poll(timeout: 30) {
                !Command.run(["/bin/ps", "-eo", "args"]).stdout.contains("supervise \(harness.prefix)")
            }
            #expect(supervisorsGone, "session supervisors still running")
        }

        /// Two `mino run -n same` at once: exactly one runs the agent, the other fails with
        /// `session.exists` and touches nothing of the first.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func sameNameRunsOnce() throws {
            let harness = try Harness(.rootless)
            let name = harness.name("same")
            let agent = ["sh", "-c", "echo ran >> runs; sleep 3"]
            let runs = try (0..<2).map { _ in try harness.spawnMino(["run", "-q", "-n", name, "--"] + agent) }
            let results = runs.map { $0.wait(timeout: 120) }
            let succeeded = results.filter { $0.status == 0 }
            let refused = results.filter { $0.status != 0 }
            #expect(succeeded.count == 1 && refused.count == 1, "\(results)")
            #expect(refused.first?.stderr.contains("session.exists") == true, "\(refused)")
            #expect(harness.projectFile("runs") == "ran\n", "the agent ran \(harness.projectFile("runs") ?? "never")")
            #expect(harness.record(name)?.string("status") == "stopped")
            #expect(harness.record(name)?.int("exit_code") == 0)
            #expect(harness.containers(matching: name).isEmpty)

            // The name stays taken after the session ended, and the refusal's advice must work:
            // `mino stop` leaves an ended session alone (it is "already stopped").
            let again = harness.mino(["run", "-q", "-n", name, "--", "true"])
            #expect(again.status != 0 && again.stderr.contains("session.exists"), "\(again)")
            let stop = harness.mino(["stop", name])
            #expect(stop.stdout.contains("already stopped"), "\(stop)")
            #expect(
                !again.stderr.contains("mino stop"), "the help points to `mino stop`, which frees nothing:\n\(again)")
        }
    }
}
