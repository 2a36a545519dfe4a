#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    /// Every test that starts real processes. Serialized: some count the process's descriptors or
    /// send signals to the test process itself, which concurrent tests would disturb.
    @Suite(.serialized) struct ProcessTests {}

    extension ProcessTests {
        @Suite struct RunnerTests {
            let runner = SystemCommandRunner()

            @Test(arguments: [0, 7, 255] as [Int32])
            func exitStatusIsReported(code: Int32) throws {
                let result = try runner.run(ProcessSupport.shell("exit \(code)"), timeout: nil)
                #expect(result.status == .exited(code))
                #expect(result.status.shellStatus == code)
                #expect(result.succeeded == (code == 0))
            }

            @Test func deathBySignalIsReported() throws {
                let result = try runner.run(ProcessSupport.shell("kill -TERM $$"), timeout: nil)
                #expect(result.status == .signaled(SIGTERM))
                #expect(result.status.shellStatus == 143)
            }

            @Test func severalMebibytesOfErrorThenOutputAreCapturedWithoutDeadlock() throws {
                let size = 6 * 1024 * 1024
                // Error first: a runner that read output to its end before error would hang here.
                let script = "head -c \(size) /dev/zero | tr '\\0' e >&2; head -c \(size) /dev/zero | tr '\\0' o"
                let result = try runner.run(ProcessSupport.shell(script), timeout: .seconds(60))
                #expect(result.status == .exited(0))
                #expect(result.error.count == size)
                #expect(result.output.count == size)
                #expect(result.error.allSatisfy { $0 == UInt8(ascii: "e") })
                #expect(result.output.allSatisfy { $0 == UInt8(ascii: "o") })
            }

            @Test func outputAndErrorWrittenAtTheSameTimeAreBothComplete() throws {
                let size = 3 * 1024 * 1024
                let script = "head -c \(size) /dev/zero >&2 & head -c \(size) /dev/zero; wait"
                let result = try runner.run(ProcessSupport.shell(script), timeout: .seconds(60))
                #expect(result.status == .exited(0))
                #expect(result.output.count == size)
                #expect(result.error.count == size)
            }

            @Test func severalMebibytesOfInputRoundTripThroughCat() throws {
                let size = 5 * 1024 * 1024 + 17
                let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
                let spec = ProcessSpec("/bin/cat", [], environment: [:], input: .bytes(input))
                let result = try runner.run(spec, timeout: .seconds(60))
                #expect(result.status == .exited(0))
                #expect(result.output.count == input.count)
                #expect(result.output == input)
            }

            @Test func childThatNeverReadsItsInputDoesNotHurtMino() throws {
                let input = [UInt8](repeating: 0x41, count: 4 * 1024 * 1024)
                let spec = ProcessSpec("/bin/sh", ["-c", "exit 4"], environment: [:], input: .bytes(input))
                let result = try runner.run(spec, timeout: .seconds(30))
                #expect(result.status == .exited(4))
            }

            @Test func emptyInputIsEndOfFile() throws {
                let spec = ProcessSpec("/bin/cat", [], environment: [:], input: .bytes([]))
                let result = try runner.run(spec, timeout: .seconds(10))
                #expect(result.status == .exited(0))
                #expect(result.output.isEmpty)
            }

            @Test func environmentIsExactlyTheSpecs() throws {
                let environment = ["MINO_A": "1", "MINO_B": "two words", "EMPTY": "", "UNICODE": "é✓"]
                let result = try runner.run(ProcessSpec("/usr/bin/env", [], environment: environment), timeout: nil)
                // mino's own environment (PATH, HOME, …) is not there: only the spec's.
                let lines = result.outputText.split(separator: "\n").map(String.init).sorted()
                #expect(lines == environment.map { "\($0.key)=\($0.value)" }.sorted())
            }

            @Test func emptyEnvironmentGivesTheChildNone() throws {
                let result = try runner.run(ProcessSpec("/usr/bin/env", [], environment: [:]), timeout: nil)
                #expect(result.status == .exited(0))
                #expect(result.output.isEmpty)
            }

            @Test func workingDirectoryIsTheSpecs() throws {
                let directory = try TemporaryDirectory()
                let spec = ProcessSpec("/bin/pwd", ["-P"], environment: [:], workingDirectory: directory.path)
                let result = try runner.run(spec, timeout: nil)
                #expect(result.outputText == directory.path + "\n")
            }

            @Test func missingWorkingDirectoryFailsToSpawn() {
                let spec = ProcessSpec("/bin/pwd", [], environment: [:], workingDirectory: "/nonexistent/mino-test")
                #expect(throws: ProcessError(kind: .spawnFailed, executable: "/bin/pwd", code: ENOENT)) {
                    try runner.run(spec, timeout: nil)
                }
            }

            @Test func nullAndInheritedStreamsCaptureNothing() throws {
                let spec = ProcessSpec(
                    "/bin/sh", ["-c", "echo out; echo err >&2"], environment: [:], output: .null, error: .null)
                let result = try runner.run(spec, timeout: nil)
                #expect(result.status == .exited(0))
                #expect(result.output.isEmpty && result.error.isEmpty)
                let inherited = ProcessSpec(
                    "/bin/sh", ["-c", ":"], environment: [:], output: .inherit, error: .inherit)
                #expect(try runner.run(inherited, timeout: nil).output.isEmpty)
            }

            @Test func stringsThatCannotReachTheChildIntactAreRefused() {
                let cases = [
                    ProcessSpec("/bin/echo", ["a\u{0}b"], environment: [:]),
                    ProcessSpec("/bin/echo", [], environment: ["A=B": "c"]),
                    ProcessSpec("/bin/echo", [], environment: ["": "c"]),
                    ProcessSpec("/bin/echo", [], environment: ["A": "b\u{0}c"]),
                    ProcessSpec("/bin/ec\u{0}ho", [], environment: [:]),
                ]
                for spec in cases {
                    #expect(throws: ProcessError(kind: .spawnFailed, executable: spec.executable, code: EINVAL)) {
                        try runner.run(spec, timeout: nil)
                    }
                }
            }
        }
    }

    /// Helpers shared by the process tests.
    enum ProcessSupport {
        /// A search path for the shell scripts the tests run.
        static let environment = ["PATH": "/usr/bin:/bin"]

        /// `/bin/sh -c script` with `environment` plus `extra`.
        static func shell(_ script: String, _ extra: [String: String] = [:]) -> ProcessSpec {
            ProcessSpec("/bin/sh", ["-c", script], environment: environment.merging(extra) { $1 })
        }

        /// Checks `condition` every 10 ms until it holds or `limit` passed; returns whether it held.
        @discardableResult
        static func waitUntil(_ limit: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: limit)
            while clock.now < deadline {
                if condition() { return true }
                usleep(10_000)
            }
            return condition()
        }

        /// The pid a script wrote to `path` (`echo $$ > file`), once complete.
        static func pid(in path: String) -> pid_t? {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") else {
                return nil
            }
            return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        /// Whether `pid` no longer runs: no such process, or a zombie nobody reaped yet (orphans
        /// belong to pid 1, which need not reap them in a container).
        static func hasEnded(_ pid: pid_t) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            guard let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        }
    }
#endif
