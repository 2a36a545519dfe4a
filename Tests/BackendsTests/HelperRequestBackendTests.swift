import Backends
import Diagnostics
import PolicyModel
import Testing

@Suite struct HelperRequestBackendTests {
    var facts: HostFacts {
        var facts = PolicyFixture.facts
        facts.platform = .macOS
        facts.homeDirectory = "/Users/agent"
        return facts
    }

    func native(_ configure: (inout SandboxPolicy) -> Void = { _ in }) -> SandboxPolicy {
        PolicyFixture.policy {
            $0.runtime = Sourced(.native, .builtin)
            $0.project.hostPath = Sourced("/Users/agent/code/app", PolicyFixture.origin("project"))
            configure(&$0)
        }
    }

    func request(
        _ policy: SandboxPolicy, sessionID: String = "fix-bug", environment: HelperEnvironment = .redacted
    ) throws(DiagnosticError) -> HelperRequest {
        try HelperRequestBackend.spawnRequest(
            for: policy, facts: facts, sessionID: sessionID, dotfileDirectory: nil, environment: environment)
    }

    func codes(_ policy: SandboxPolicy, sessionID: String = "fix-bug") -> [String] {
        do {
            _ = try request(policy, sessionID: sessionID)
            return []
        } catch {
            return error.diagnostics.map(\.code.rawValue)
        }
    }

    @Test func defaultRequestIsExactJSONWithSortedKeys() throws {
        let request = try request(native())
        #expect(
            request.rendered == """
                {
                  "acl_paths": [
                    {
                      "path": "/Users/agent/code/app",
                      "writable": true
                    }
                  ],
                  "action": "Spawn",
                  "command": [
                    "/bin/bash"
                  ],
                  "dotfile_dir": null,
                  "env": {},
                  "home_dir": "/tmp/mino-home-fix-bug",
                  "project_dir": "/Users/agent/code/app",
                  "resource_limits": {
                    "max_cpu_seconds": 0,
                    "max_file_size_bytes": 0,
                    "max_memory_bytes": 0,
                    "max_processes": 0
                  },
                  "sandbox_user": "_mino_agent",
                  "session_id": "fix-bug"
                }

                """)
        #expect(request.homeDirectory == "/tmp/mino-home-fix-bug")
        #expect(request.sessionID == "fix-bug")
    }

    @Test func aclPathsAreProjectThenReadOnlyThenWritable() throws {
        let policy = native {
            $0.native.passthroughPaths = [Sourced("/opt/homebrew", PolicyFixture.origin("passthrough"))]
            $0.native.writablePaths = [Sourced("/Users/agent/.cache/npm", PolicyFixture.origin("writable"))]
        }
        let request = try request(policy, environment: .included([:]))
        guard case .object(let members) = request.json, case .array(let acl) = members["acl_paths"] else {
            Issue.record("no acl_paths")
            return
        }
        #expect(
            acl == [
                .object(["path": .string("/Users/agent/code/app"), "writable": .bool(true)]),
                .object(["path": .string("/opt/homebrew"), "writable": .bool(false)]),
                .object(["path": .string("/Users/agent/.cache/npm"), "writable": .bool(true)]),
            ])
        let line = try #require(request.lines.first { $0.text.contains("\"/opt/homebrew\"") })
        #expect(line.origin == PolicyFixture.origin("passthrough"))
    }

    @Test(arguments: [
        "/Users/agent/.ssh", "/Users/agent/.ssh/id_ed25519", "/Users/agent/.aws", "/Users/agent/.gnupg",
        "/Users/agent/.config/gcloud", "/Users/agent/.azure", "/Users/agent/.netrc", "/Users/agent/.docker",
        "/Users/agent/.kube/config", "/Users/agent/.config/gh", "/Users/agent/.SSH", "/Users/agent//.ssh/",
        "/Users/agent/Library/Keychains", "/Users/agent", "/Users", "/", "/Users/agent/.config",
    ])
    func pathsThatExposeCredentialsAreRefusedReadOnlyAndWritable(path: String) {
        #expect(codes(native { $0.native.passthroughPaths = [Sourced(path, .builtin)] }) == ["backend.sensitive-path"])
        #expect(codes(native { $0.native.writablePaths = [Sourced(path, .builtin)] }) == ["backend.sensitive-path"])
    }

    @Test(arguments: ["/etc", "/Library", "/usr/local/bin", "/tmp/x", "/Users/other/project"])
    func writablePathsOutsideTheHomeAreRefused(path: String) {
        #expect(codes(native { $0.native.writablePaths = [Sourced(path, .builtin)] }) == ["backend.invalid-path"])
        #expect(codes(native { $0.project.hostPath = Sourced(path, .builtin) }) == ["backend.invalid-path"])
    }

    @Test(arguments: ["relative/path", "/Users/agent/code/../.ssh", "/Users/agent/a\nb", "~/.ssh"])
    func malformedPathsAreRefused(path: String) {
        #expect(codes(native { $0.native.passthroughPaths = [Sourced(path, .builtin)] }) == ["backend.invalid-path"])
    }

    @Test(arguments: ["root", "agent", "0", "-x", "a b", "a\nb", ""])
    func sandboxUserIsNeverRootNorTheInvokingUser(user: String) {
        #expect(codes(native { $0.native.sandboxUser = Sourced(user, .builtin) }) == ["backend.invalid-user-name"])
    }

    @Test(arguments: ["../etc", "a/b", "-rf", "", "a b", "x\n", String(repeating: "s", count: 65)])
    func sessionIDsThatCouldEscapeTheHomeDirectoryAreRefused(sessionID: String) {
        #expect(codes(native(), sessionID: sessionID) == ["backend.invalid-session-name"])
    }

    @Test func secretsAreRedactedInThePlanFormAndIncludedForTheExecutor() throws {
        let policy = native {
            $0.environment = [
                PolicyFixture.variable("API_KEY", .literal(PolicyFixture.canarySecret), secret: true),
                PolicyFixture.variable("GITHUB_TOKEN", .credential(provider: "github")),
                PolicyFixture.variable("EDITOR", .literal("vim")),
            ]
            $0.native.environmentPassthrough = [Sourced("LANG", .builtin), Sourced("EDITOR", .builtin)]
        }
        let plan = try request(policy)
        #expect(!plan.rendered.contains(PolicyFixture.canarySecret))
        #expect(!plan.lines.contains { $0.text.contains(PolicyFixture.canarySecret) })
        guard case .object(let planMembers) = plan.json, case .object(let planEnv) = planMembers["env"] else {
            Issue.record("no env")
            return
        }
        #expect(
            planEnv == [
                "API_KEY": .string("<redacted>"), "GITHUB_TOKEN": .string("<redacted>"), "EDITOR": .string("vim"),
                "LANG": .string("<from host $LANG>"),
            ])

        let executor = try request(policy, environment: .included(["GITHUB_TOKEN": "gho_x", "LANG": "C.UTF-8"]))
        guard case .object(let members) = executor.json, case .object(let env) = members["env"] else {
            Issue.record("no env")
            return
        }
        #expect(
            env == [
                "API_KEY": .string(PolicyFixture.canarySecret), "GITHUB_TOKEN": .string("gho_x"),
                "EDITOR": .string("vim"),
                "LANG": .string("C.UTF-8"),
            ])
    }

    @Test func aVariableWithoutAValueIsLeftOutForTheExecutor() throws {
        let policy = native { $0.native.environmentPassthrough = [Sourced("UNSET_ON_HOST", .builtin)] }
        let request = try request(policy, environment: .included([:]))
        #expect(!request.rendered.contains("UNSET_ON_HOST"))
    }

    @Test func limitsAreInBytes() throws {
        let policy = native {
            $0.limits.maxMemoryMB = Sourced(2048, PolicyFixture.origin("memory"))
            $0.limits.maxFileSizeMB = Sourced(10, .builtin)
            $0.limits.maxProcesses = Sourced(256, .builtin)
            $0.limits.maxCPUSeconds = Sourced(3600, .builtin)
        }
        let request = try request(policy)
        guard case .object(let members) = request.json else { return }
        #expect(
            members["resource_limits"]
                == .object([
                    "max_memory_bytes": .integer(2_147_483_648), "max_file_size_bytes": .integer(10_485_760),
                    "max_processes": .integer(256), "max_cpu_seconds": .integer(3600),
                ]))
        let memory = try #require(request.enforcement.first { $0.element == "limits.memory" })
        #expect(memory.level == .unsupported)
        #expect(request.lines.first { $0.text.contains("max_memory_bytes") }?.origin == PolicyFixture.origin("memory"))
    }

    @Test(arguments: [Int64(-1), Int64.max])
    func limitsThatCannotBeEnforcedAreRefused(megabytes: Int64) {
        #expect(codes(native { $0.limits.maxMemoryMB = Sourced(megabytes, .builtin) }) == ["backend.invalid-limit"])
    }

    @Test func hostileStringsStayInsideJSONStrings() throws {
        let hostile = "\"},\"sandbox_user\":\"root\",\"x\":\"\n"
        let policy = native { $0.command = Sourced(["sh", "-c", hostile], .builtin) }
        let request = try request(policy)
        guard case .object(let members) = request.json else { return }
        #expect(members["sandbox_user"] == .string("_mino_agent"))
        #expect(members["command"] == .array([.string("sh"), .string("-c"), .string(hostile)]))
        #expect(request.rendered.contains(#""\"},\"sandbox_user\":\"root\",\"x\":\"\n""#))
    }

    @Test func linesCarryTheirOrigins() throws {
        let request = try request(native())
        func origin(containing text: String) -> Origin? { request.lines.first { $0.text.contains(text) }?.origin }
        #expect(origin(containing: "\"sandbox_user\"") == PolicyFixture.origin("sandbox-user"))
        #expect(origin(containing: "\"project_dir\"") == PolicyFixture.origin("project"))
        #expect(origin(containing: "\"/bin/bash\"") == PolicyFixture.origin("shell"))
        #expect(origin(containing: "\"home_dir\"") == nil)
        #expect(request.rendered == request.lines.map(\.text).joined(separator: "\n") + "\n")
    }
}
