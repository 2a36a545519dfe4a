#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    extension ProcessTests {
        @Suite struct TimeoutTests {
            let runner = SystemCommandRunner()

            @Test func timeoutEndsASleepingChildWithinSeconds() throws {
                let directory = try TemporaryDirectory()
                let pidFile = directory.path + "/pid"
                let spec = ProcessSupport.shell("echo $$ > \"$PID_FILE\"; exec sleep 30", ["PID_FILE": pidFile])
                let clock = ContinuousClock()
                let started = clock.now
                #expect(throws: ProcessError(kind: .timedOut, executable: "/bin/sh")) {
                    try runner.run(spec, timeout: .milliseconds(300))
                }
                #expect(clock.now - started < .seconds(3))
                let pid = try #require(ProcessSupport.pid(in: pidFile))
                // Reaped by the runner: the pid is gone, not a zombie.
                #expect(kill(pid, 0) == -1 && errno == ESRCH)
            }

            @Test func childIgnoringTerminationIsKilledTwoSecondsLater() throws {
                let directory = try TemporaryDirectory()
                let pidFile = directory.path + "/pid"
                // The helper inherits the ignored SIGTERM too; only SIGKILL to the group ends both.
                let script = "trap '' TERM; sleep 30 & echo $! > \"$PID_FILE\"; wait; wait"
                let spec = ProcessSupport.shell(script, ["PID_FILE": pidFile])
                let clock = ContinuousClock()
                let started = clock.now
                #expect(throws: ProcessError(kind: .timedOut, executable: "/bin/sh")) {
                    try runner.run(spec, timeout: .milliseconds(300))
                }
                let elapsed = clock.now - started
                #expect(elapsed >= .milliseconds(2300))
                #expect(elapsed < .seconds(4))
                let helper = try #require(ProcessSupport.pid(in: pidFile))
                #expect(ProcessSupport.waitUntil(.seconds(2)) { ProcessSupport.hasEnded(helper) })
            }

            @Test func timeoutAlsoEndsHelpersHoldingTheOutputPipe() throws {
                let directory = try TemporaryDirectory()
                let pidFile = directory.path + "/pid"
                // The helper keeps stdout open: without the group signal mino would wait 30 s for EOF.
                let spec = ProcessSupport.shell("sleep 30 & echo $! > \"$PID_FILE\"; exit 0", ["PID_FILE": pidFile])
                let clock = ContinuousClock()
                let started = clock.now
                #expect(throws: ProcessError(kind: .timedOut, executable: "/bin/sh")) {
                    try runner.run(spec, timeout: .milliseconds(300))
                }
                #expect(clock.now - started < .seconds(3))
                let helper = try #require(ProcessSupport.pid(in: pidFile))
                #expect(ProcessSupport.waitUntil(.seconds(2)) { ProcessSupport.hasEnded(helper) })
            }

            @Test func chattyChildStillTimesOut() throws {
                let spec = ProcessSupport.shell("exec yes mino")
                let clock = ContinuousClock()
                let started = clock.now
                #expect(throws: ProcessError(kind: .timedOut, executable: "/bin/sh")) {
                    try runner.run(spec, timeout: .milliseconds(200))
                }
                #expect(clock.now - started < .seconds(3))
            }

            @Test func childFinishingBeforeTheDeadlineIsNotDisturbed() throws {
                let clock = ContinuousClock()
                let started = clock.now
                let result = try runner.run(ProcessSupport.shell("echo done"), timeout: .seconds(20))
                #expect(result.status == .exited(0))
                #expect(result.outputText == "done\n")
                #expect(clock.now - started < .seconds(2))
            }
        }
    }
#endif
