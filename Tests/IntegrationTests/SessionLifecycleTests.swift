import Foundation
import Testing

extension Integration {
    /// How sessions end: exit codes, signals to mino, mino killed outright, detached sessions
    /// finalising by themselves. Rootless, as a user runs mino.
    @Suite struct SessionLifecycle {
        /// An agent that marks that it runs, then waits; it ends promptly on SIGTERM.
        static let waitingAgent = ["sh", "-c", "trap 'exit 143' TERM; touch started; while :; do sleep 1; done"]

        @Test(.enabled(if: IntegrationGate.isEnabled))
        func exitCodeIsTheAgents() throws {
            let harness = try Harness(.rootless)
            let result = harness.run([], ["sh", "-c", "exit 7"])
            #expect(result.status == 7, "\(result)")
            // Control: a zero exit is zero (the 7 is not a mino failure code).
            let zero = harness.run([], ["true"])
            #expect(zero.status == 0, "\(zero)")
        }

        /// SIGINT, SIGTERM or SIGHUP to the attached mino: the container is stopped and removed,
        /// the session is recorded as stopped by that signal, and mino exits 128+signal.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: [SIGINT, SIGTERM, SIGHUP])
        func signalStopsAndRemovesTheContainer(_ signal: Int32) throws {
            try Self.expectStopped(by: signal, blocked: [], timeout: 60)
        }

        /// A mino started with SIGINT and SIGTERM blocked (a parent's inherited signal mask, as
        /// Foundation's Process passes on from Swift Testing's threads) still stops on SIGTERM:
        /// it unblocks the signals it handles first thing.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func signalStopsTheSessionEvenWhenInheritedBlocked() throws {
            try Self.expectStopped(by: SIGTERM, blocked: [SIGINT, SIGTERM], timeout: 30)
        }

        static func expectStopped(
            by signal: Int32, blocked: [Int32], timeout: Double, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let harness = try Harness(.rootless)
            let name = harness.name("signal\(signal)")
            let mino = try Background(
                harness.argv(Harness.mino, ["run", "-q", "-n", name, "--"] + waitingAgent),
                environment: harness.processEnvironment, directory: harness.project, blocking: blocked)
            let started = Command.poll(timeout: 60) { harness.projectFile("started") != nil }
            try #require(started, "the agent never started: \(mino.wait(timeout: 1))", sourceLocation: sourceLocation)
            // Control: the container exists while the session runs.
            #expect(harness.containers(matching: name) == ["mino-" + name], sourceLocation: sourceLocation)
            mino.signal(signal)
            let result = mino.wait(timeout: timeout)
            #expect(!result.timedOut && result.status == 128 + signal, "\(result)", sourceLocation: sourceLocation)
            let gone = harness.containers(matching: name).isEmpty
            #expect(gone, "the container outlived the session", sourceLocation: sourceLocation)
            let record = try #require(harness.record(name), sourceLocation: sourceLocation)
            #expect(record.string("status") == "stopped", "\(record)", sourceLocation: sourceLocation)
            #expect(record.int("exit_code") == Int(128 + signal), "\(record)", sourceLocation: sourceLocation)
            let reason = record.string("end_reason") ?? ""
            #expect(reason.contains("signal \(signal)"), "\(record)", sourceLocation: sourceLocation)
        }

        /// `kill -9` of mino: the container may live on, and the next `mino list` finds the
        /// orphan, removes the container and marks the session failed with a reason.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func killedMinoLeavesAnOrphanThatListCleans() throws {
            let harness = try Harness(.rootless)
            let name = harness.name("killed")
            let mino = try harness.spawnMino(["run", "-q", "-n", name, "--"] + Self.waitingAgent)
            let started = Command.poll(timeout: 60) { harness.projectFile("started") != nil }
            try #require(started, "the agent never started: \(mino.wait(timeout: 1))")
            mino.signal(SIGKILL)
            _ = mino.wait(timeout: 10)
            // The container survives its supervisor (podman's attach client may linger too).
            #expect(harness.containers(matching: name) == ["mino-" + name], "expected the orphaned container")
            #expect(harness.record(name)?.string("status") == "running")

            let list = harness.mino(["list", "-a", "-f", "json"])
            #expect(list.succeeded, "\(list)")
            #expect(harness.containers(matching: name).isEmpty, "mino list left the orphan running")
            let record = try #require(harness.record(name))
            #expect(record.string("status") == "failed", "\(record)")
            #expect(!(record.string("end_reason") ?? "").isEmpty, "\(record)")
            #expect(harness.auditLog.contains("\"session.orphaned\""), "no audit event for the orphan")
        }

        /// A detached session whose agent exits finalises by itself: stopped, exit code 5,
        /// container gone.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func detachedSessionFinalisesItself() throws {
            let harness = try Harness(.rootless)
            let name = harness.name("detached")
            let started = harness.mino(["run", "-q", "-d", "-n", name, "--", "sh", "-c", "sleep 1; exit 5"])
            try #require(started.succeeded, "\(started)")
            var session: [String: Any]?
            let ended = Command.poll(timeout: 60, interval: 0.5) {
                session = harness.sessions().first { $0.string("name") == name }
                return session?.string("status") == "stopped"
            }
            #expect(ended, "the session did not end by itself: \(session ?? [:])")
            #expect(session?.int("exit_code") == 5, "\(session ?? [:])")
            let gone = Command.poll(timeout: 20) { harness.containers(matching: name).isEmpty }
            #expect(gone, "the container of the ended session is still there")
        }

        /// `kill -9` of a detached session's supervisor: the next `mino list` finds the orphan
        /// like that of an attached run.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func killedSupervisorLeavesAnOrphanThatListCleans() throws {
            let harness = try Harness(.rootless)
            let name = harness.name("supervisor")
            let started = harness.mino(["run", "-q", "-d", "-n", name, "--"] + Self.waitingAgent)
            try #require(started.succeeded, "\(started)")
            let owner = try #require(harness.record(name)?.int("owner_pid"), "no supervisor recorded")
            #expect(
                (try? String(contentsOfFile: "/proc/\(owner)/cmdline", encoding: .utf8))?.contains("supervise") == true,
                "the owner is not the supervisor")
            kill(Int32(owner), SIGKILL)
            #expect(Command.poll(timeout: 10) { !FileManager.default.fileExists(atPath: "/proc/\(owner)/stat") })
            #expect(harness.containers(matching: name) == ["mino-" + name], "expected the orphaned container")
            let list = harness.mino(["list"])
            #expect(list.succeeded, "\(list)")
            #expect(harness.containers(matching: name).isEmpty, "mino list left the orphan running")
            let record = try #require(harness.record(name))
            #expect(record.string("status") == "failed", "\(record)")
            #expect(!(record.string("end_reason") ?? "").isEmpty, "\(record)")
        }

        /// `mino logs` shows a running detached session's output; once the session ended (its
        /// container removed) it says there are no logs any more.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func logsShowTheAgentsOutput() throws {
            let harness = try Harness(.rootless)
            let name = harness.name("logs")
            let marker = "hello-from-" + name
            let agent = ["sh", "-c", "echo \(marker); trap 'exit 0' TERM; while :; do sleep 1; done"]
            let started = harness.mino(["run", "-q", "-d", "-n", name, "--"] + agent)
            try #require(started.succeeded, "\(started)")
            var logs = CommandResult(status: -1, stdout: "", stderr: "", timedOut: false, argv: [])
            let shown = Command.poll(timeout: 20) {
                logs = harness.mino(["logs", name])
                return logs.stdout.contains(marker)
            }
            #expect(shown && logs.succeeded, "\(logs)")
            #expect(harness.mino(["stop", name]).succeeded)
            let ended = harness.mino(["logs", name])
            #expect(ended.status == 1 && ended.stderr.contains("session.no-logs"), "\(ended)")
        }

        /// `mino exec` runs as the agent's user and exits with the command's status.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func execRunsAsTheAgentsUser(_ identity: Identity) throws {
            let harness = try Harness(identity)
            let name = harness.name("exec")
            let started = harness.mino(["run", "-q", "-d", "-n", name, "--"] + Self.waitingAgent)
            try #require(started.succeeded, "\(started)")
            let agent = harness.mino(["exec", name, "--", "sh", "-c", "id -u; id -g; exit 3"])
            #expect(agent.status == 3, "\(agent)")
            #expect(agent.lines == ["\(identity.ids.uid)", "\(identity.ids.gid)"], "\(agent)")
            let stopped = harness.mino(["stop", name])
            #expect(stopped.succeeded, "\(stopped)")
            #expect(harness.containers(matching: name).isEmpty)
            #expect(harness.record(name)?.string("status") == "stopped")
        }
    }
}
