#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    extension ProcessTests {
        @Suite struct DetachedTests {
            let runner = SystemCommandRunner()

            @Test func detachedChildLeadsANewSessionAndIsReapedWhenItEnds() throws {
                let spec = ProcessSpec("/bin/sleep", ["10"], environment: [:], output: .null, error: .null)
                let pid = try runner.spawnDetached(spec)
                defer { kill(pid, SIGKILL) }
                #expect(getsid(pid) == pid)
                #expect(getsid(pid) != getsid(0))
                #expect(getpgid(pid) == pid)
                kill(pid, SIGKILL)
                // Reaped in the background: gone, not left a zombie while mino keeps running.
                #expect(ProcessSupport.waitUntil(.seconds(2)) { kill(pid, 0) == -1 && errno == ESRCH })
            }

            @Test func detachedChildHasNoTerminalAndOnlyItsStandardStreams() throws {
                let directory = try TemporaryDirectory()
                let listing = directory.path + "/fds"
                // Field 7 of /proc/PID/stat is the controlling terminal, 0 for none.
                let script =
                    "exec > \"$OUT.tmp\"; ls /proc/$$/fd; awk '{ print \"tty\", $7 }' /proc/$$/stat; mv \"$OUT.tmp\" \"$OUT\""
                let pid = try runner.spawnDetached(
                    ProcessSpec(
                        "/bin/sh", ["-c", script],
                        environment: ProcessSupport.environment.merging(["OUT": listing]) { $1 },
                        output: .null, error: .null, workingDirectory: directory.path))
                #expect(pid > 0)
                #expect(ProcessSupport.waitUntil { FileManager.default.fileExists(atPath: listing) })
                let lines = try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n")
                #expect(lines == ["0", "1", "2", "tty 0"])
            }

            @Test func detachedStreamsMustBeNull() {
                let refused = [
                    ProcessSpec("/bin/true", [], environment: [:], input: .inherit, output: .null, error: .null),
                    ProcessSpec("/bin/true", [], environment: [:], input: .bytes([1]), output: .null, error: .null),
                    ProcessSpec("/bin/true", [], environment: [:], output: .capture, error: .null),
                    ProcessSpec("/bin/true", [], environment: [:], output: .null, error: .inherit),
                    ProcessSpec("/bin/true", [], environment: [:]),
                ]
                for spec in refused {
                    #expect(throws: ProcessError(kind: .spawnFailed, executable: "/bin/true", code: EINVAL)) {
                        try runner.spawnDetached(spec)
                    }
                }
            }
        }
    }
#endif
