#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    extension ProcessTests {
        @Suite struct LookupTests {
            let runner = SystemCommandRunner()

            /// Writes an executable script `name` printing `text` into `directory`.
            @discardableResult
            private func tool(_ name: String, printing text: String, in directory: String, mode: mode_t = 0o755)
                throws -> String
            {
                let path = directory + "/" + name
                try "#!/bin/sh\necho \(text)\n".write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, mode)
                return path
            }

            @Test func absolutePathIsUsedAsIs() throws {
                let result = try runner.run(ProcessSpec("/bin/sh", ["-c", "echo $0"], environment: [:]), timeout: nil)
                #expect(result.outputText == "/bin/sh\n")
            }

            @Test func nameIsSearchedInThePathOfTheSpecsEnvironment() throws {
                let first = try TemporaryDirectory()
                let second = try TemporaryDirectory()
                try tool("mino-lookup-probe", printing: "first", in: first.path, mode: 0o644)
                try tool("mino-lookup-probe", printing: "second", in: second.path)
                let spec = ProcessSpec(
                    "mino-lookup-probe", [], environment: ["PATH": "\(first.path):\(second.path):/usr/bin:/bin"])
                // Not executable in the first directory: skipped.
                let result = try runner.run(spec, timeout: nil)
                #expect(result.outputText == "second\n")
            }

            @Test func systemDirectoriesAreSearchedAfterThePath() throws {
                #expect(
                    ExecutableLocator.locate("nologin", environment: ["PATH": "/nonexistent"]) == "/usr/sbin/nologin")
                let result = try runner.run(
                    ProcessSpec("nologin", [], environment: ["PATH": "/nonexistent"]), timeout: nil)
                #expect(result.status == .exited(1))
                #expect(result.outputText.contains("not available"))
            }

            @Test func searchDirectoriesSkipEmptyRelativeAndRepeatedEntries() {
                let directories = ExecutableLocator.searchDirectories("bin::/opt/x:/usr/sbin:.:/opt/x")
                #expect(directories == ["/opt/x", "/usr/sbin", "/usr/local/sbin", "/sbin"])
            }

            @Test func environmentWithoutPathUsesTheDefaultSearchPath() throws {
                let result = try runner.run(ProcessSpec("sh", ["-c", "exit 5"], environment: [:]), timeout: nil)
                #expect(result.status == .exited(5))
            }

            @Test func relativePathIsTakenFromMinosDirectoryNotTheChilds() throws {
                let directory = try TemporaryDirectory()
                let current = FileManager.default.currentDirectoryPath
                let relative = String(repeating: "../", count: current.split(separator: "/").count) + "bin/sh"
                // From the child's (deeper) directory the same relative path names nothing.
                let deeper = try directory.directory(String(repeating: "d/", count: 12))
                let spec = ProcessSpec(relative, ["-c", "exit 6"], environment: [:], workingDirectory: deeper)
                #expect(try runner.run(spec, timeout: nil).status == .exited(6))
                #expect(ExecutableLocator.locate("./mino-no-such-tool", environment: [:]) == nil)
            }

            @Test func unknownNamesAndPathsAreNotFound() {
                let missing = [
                    ProcessSpec("mino-no-such-tool", [], environment: ["PATH": "/usr/bin:/bin"]),
                    ProcessSpec("/nonexistent/mino-no-such-tool", [], environment: [:]),
                    ProcessSpec("/usr/bin", [], environment: [:]),
                    ProcessSpec("", [], environment: [:]),
                ]
                for spec in missing {
                    #expect(throws: ProcessError(kind: .notFound, executable: spec.executable)) {
                        try runner.run(spec, timeout: nil)
                    }
                    #expect(throws: ProcessError(kind: .notFound, executable: spec.executable)) {
                        try runner.runAttached(spec, forwarding: [.interrupt]) { _ in }
                    }
                    let detached = ProcessSpec(spec.executable, [], environment: [:], output: .null, error: .null)
                    #expect(throws: ProcessError(kind: .notFound, executable: spec.executable)) {
                        try runner.spawnDetached(detached)
                    }
                }
            }

            @Test func fileWithoutExecutePermissionFailsToSpawn() throws {
                let directory = try TemporaryDirectory()
                let path = try tool("not-executable", printing: "x", in: directory.path, mode: 0o644)
                #expect(throws: ProcessError(kind: .spawnFailed, executable: path, code: EACCES)) {
                    try runner.run(ProcessSpec(path, [], environment: [:]), timeout: nil)
                }
            }
        }
    }
#endif
