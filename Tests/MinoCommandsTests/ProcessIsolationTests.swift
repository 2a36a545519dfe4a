#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    extension ProcessTests {
        @Suite struct IsolationTests {
            let runner = SystemCommandRunner()

            @Test func childSeesOnlyItsStandardStreams() throws {
                // A descriptor of mino's without close-on-exec must still not reach the child.
                let leaked = open("/dev/null", O_RDONLY)
                #expect(leaked > STDERR_FILENO)
                defer { Glibc.close(leaked) }
                for input in [ProcessSpec.Input.null, .bytes([1, 2, 3])] {
                    let spec = ProcessSpec(
                        "/bin/sh", ["-c", "ls /proc/$$/fd"], environment: ProcessSupport.environment, input: input)
                    let result = try runner.run(spec, timeout: .seconds(10))
                    #expect(result.outputText == "0\n1\n2\n")
                }
            }

            @Test func pipesOfARunAreClosedWhenItReturns() throws {
                var seen = Set<String>()
                for _ in 0..<20 {
                    let spec = ProcessSpec(
                        "/bin/sh", ["-c", "readlink /proc/$$/fd/0 /proc/$$/fd/1; readlink /proc/$$/fd/2 >&2"],
                        environment: ProcessSupport.environment, input: .bytes([0x2a]))
                    let result = try runner.run(spec, timeout: .seconds(10))
                    let pipes = (result.outputText + result.errorText).split(separator: "\n").map(String.init)
                    #expect(pipes.count == 3 && pipes.allSatisfy { $0.hasPrefix("pipe:[") })
                    seen.formUnion(pipes)
                }
                #expect(seen.count == 60)
                #expect(ProcessSupport.openDescriptorTargets().isDisjoint(with: seen))
            }

            @Test func manyRunsLeaveTheDescriptorCountUnchanged() throws {
                let specs = [
                    ProcessSupport.shell("echo out; echo err >&2"),
                    ProcessSpec("/bin/cat", [], environment: [:], input: .bytes(Array(repeating: 7, count: 100_000))),
                    ProcessSpec("/bin/true", [], environment: [:], output: .null, error: .inherit),
                    ProcessSpec("mino-no-such-tool", [], environment: [:]),
                    ProcessSpec("/bin/true", [], environment: [:], workingDirectory: "/nonexistent/mino-test"),
                ]
                // Warm up: lazily created descriptors of the runtime are not leaks.
                for spec in specs { _ = try? runner.run(spec, timeout: .seconds(10)) }
                _ = try? runner.run(ProcessSupport.shell("exec sleep 5"), timeout: .milliseconds(50))
                let before = ProcessSupport.openDescriptorCount()
                for _ in 0..<30 {
                    for spec in specs { _ = try? runner.run(spec, timeout: .seconds(10)) }
                }
                for _ in 0..<3 {
                    _ = try? runner.run(ProcessSupport.shell("exec sleep 5"), timeout: .milliseconds(50))
                }
                // Other suites may run at the same time; their descriptors come and go.
                #expect(ProcessSupport.waitUntil(.seconds(2)) { ProcessSupport.openDescriptorCount() <= before })
            }

            @Test func secretInTheEnvironmentNeverAppearsInTheChildsArgv() throws {
                let secret = "mino-test-secret-\(UUID().uuidString)"
                let script = "tr '\\0' '\\n' < /proc/$$/cmdline; echo ---; tr '\\0' '\\n' < /proc/$$/environ"
                let result = try runner.run(ProcessSupport.shell(script, ["MINO_TOKEN": secret]), timeout: .seconds(10))
                let parts = result.outputText.components(separatedBy: "---\n")
                try #require(parts.count == 2)
                #expect(!parts[0].contains(secret))
                #expect(parts[0].contains("/bin/sh"))
                #expect(parts[1].split(separator: "\n").contains("MINO_TOKEN=\(secret)"))
            }

            @Test func secretInTheEnvironmentIsNotInTheProcessTable() throws {
                let secret = "mino-test-secret-\(UUID().uuidString)"
                let spec = ProcessSpec(
                    "/bin/sleep", ["10"], environment: ["MINO_TOKEN": secret], output: .null, error: .null)
                let pid = try runner.spawnDetached(spec)
                defer { kill(pid, SIGKILL) }
                // What `ps` shows every local user, read from outside the child. The kernel fills
                // these in while the program loads, just after posix_spawn returned: wait for them.
                func read(_ file: String) -> String {
                    let data = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/\(file)"))) ?? Data()
                    return String(decoding: data, as: UTF8.self)
                }
                #expect(ProcessSupport.waitUntil { !read("cmdline").isEmpty && !read("environ").isEmpty })
                #expect(read("cmdline") == "/bin/sleep\u{0}10\u{0}")
                let environment = read("environ")
                #expect(environment == "MINO_TOKEN=\(secret)\u{0}")
            }
        }
    }

    extension ProcessSupport {
        /// How many descriptors the test process has open.
        static func openDescriptorCount() -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
        }

        /// What the test process's descriptors refer to (`pipe:[…]`, paths).
        static func openDescriptorTargets() -> Set<String> {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return Set(
                names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) })
        }
    }
#endif
