import Backends
import Diagnostics
import PolicyModel
import Testing

@Suite struct PodmanBackendTests {
    /// Where the fake host's podman reads mino's seccomp profile.
    static let seccompPath = SeccompBackend.profilePath(runtimeDirectory: "/run/user/1000/mino")
    let facts = PolicyFixture.facts
    let session = PolicyFixture.session

    /// The codes of the diagnostics `body` throws, or `[]` when it does not throw.
    static func codes(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DiagnosticError {
            return error.diagnostics.map(\.code.rawValue)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func defaultCreateIsExactlyTheDocumentedOrder() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.policy, facts: facts, session: session, terminal: .interactive)
        #expect(
            invocation.argv == [
                "create", "-i", "-t", "--rm", "--name", "mino-test-session", "--label", "io.mino.session=test-session",
                "-w", "/project", "--network", "bridge", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--security-opt", "seccomp=\(Self.seccompPath)", "--pids-limit", "4096",
                "--memory", "4096m", "--memory-swap", "4096m", "--userns=keep-id", "--user", "1000:1000", "-v",
                "/home/agent/project:/project:nosuid,nodev",
                "--pull", "never", "localhost/mino-base:latest", "/bin/bash",
            ])
        #expect(invocation.environment.isEmpty)
        #expect(invocation.form == .create)
        #expect(invocation.wrapper == nil)
    }

    @Test func fullRootfulRunIsExactlyTheDocumentedOrder() throws {
        let invocation = try PodmanBackend.run(
            PolicyFixture.fullPolicy, facts: PolicyFixture.rootfulFacts, session: PolicyFixture.sessionWithHome)
        #expect(
            invocation.rendered == """
                podman run
                --rm
                --name mino-test-session
                --label io.mino.session=test-session
                -w /project
                --network bridge
                --cap-drop ALL
                --security-opt no-new-privileges
                --security-opt seccomp=\(Self.seccompPath)
                --pids-limit 4096
                --memory 4096m --memory-swap 4096m
                --user 1000:1000
                --ulimit nofile=524288:524288
                --ulimit nproc=2048:2048
                --read-only
                --tmpfs /tmp:size=2048m
                --tmpfs /run:size=2048m
                -v /home/agent/project:/project:nosuid,nodev
                -v mino-home-0123456789ab:/home/developer:nosuid,nodev
                -v mino-cache-npm-0123456789ab:/cache/npm:nosuid,nodev
                -v /home/agent/notes:/notes:ro,nosuid,nodev
                -v /run/user/1000/ssh-agent.sock:/ssh-agent:nosuid,nodev
                -e API_KEY
                -e AWS_PROFILE
                -e COREPACK_HOME
                -e EDITOR
                -e GITHUB_TOKEN
                -e SSH_AUTH_SOCK
                -e npm_config_cache
                --pull never
                localhost/mino-base:latest
                claude --dangerously-skip-permissions

                """)
        #expect(invocation.argv.prefix(2) == ["run", "--rm"])
    }

    @Test func environmentValuesTravelInThePodmanProcessEnvironment() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.fullPolicy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .none)
        #expect(
            invocation.environment == [
                "API_KEY": .literal(PolicyFixture.canarySecret), "AWS_PROFILE": .host(variable: "AWS_PROFILE"),
                "COREPACK_HOME": .literal("/cache/npm/corepack"), "EDITOR": .literal("vim"),
                "GITHUB_TOKEN": .credential(provider: "github"), "SSH_AUTH_SOCK": .literal("/ssh-agent"),
                "npm_config_cache": .literal("/cache/npm"),
            ])
        let names = zip(invocation.argv, invocation.argv.dropFirst()).filter { $0.0 == "-e" }.map(\.1)
        #expect(
            names == [
                "API_KEY", "AWS_PROFILE", "COREPACK_HOME", "EDITOR", "GITHUB_TOKEN", "SSH_AUTH_SOCK",
                "npm_config_cache",
            ])
    }

    @Test func policyVariablesOverrideCacheVariables() throws {
        let policy = PolicyFixture.policy {
            $0.caches.volumes = [
                CacheVolume(
                    ecosystem: "pip", volumeName: "mino-cache-pip-0", environment: ["PIP_CACHE_DIR": "/cache/pip"])
            ]
            $0.environment = [PolicyFixture.variable("PIP_CACHE_DIR", .literal("/elsewhere"))]
        }
        let invocation = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
        #expect(invocation.environment["PIP_CACHE_DIR"] == .literal("/elsewhere"))
    }

    @Test(arguments: [
        (TerminalMode.none, [String]()), (.interactive, ["-i", "-t"]),
        (TerminalMode(stdinIsTerminal: true, stdoutIsTerminal: false), ["-i"]),
        (TerminalMode(stdinIsTerminal: false, stdoutIsTerminal: true), ["-t"]),
    ])
    func terminalFlagsFollowTheTerminalMode(terminal: TerminalMode, flags: [String]) throws {
        let create = try PodmanBackend.create(PolicyFixture.policy, facts: facts, session: session, terminal: terminal)
        #expect(Array(create.argv.dropFirst().prefix { $0.hasPrefix("-") && $0.count == 2 }) == flags)
        let exec = try PodmanBackend.exec(
            PolicyFixture.policy, facts: facts, containerID: "abc", command: nil, terminal: terminal)
        #expect(Array(exec.argv.dropFirst().prefix { $0.hasPrefix("-") && $0.count == 2 }) == flags)
    }

    @Test func runTakesTheTerminalFlagsOfCreate() throws {
        let run = try PodmanBackend.run(PolicyFixture.policy, facts: facts, session: session)
        #expect(run.argv.prefix(2) == ["run", "--rm"])
        #expect(!run.argv.contains("-i") && !run.argv.contains("-t"))
        let interactive = try PodmanBackend.run(
            PolicyFixture.policy, facts: facts, session: session, terminal: .interactive)
        let create = try PodmanBackend.create(
            PolicyFixture.policy, facts: facts, session: session, terminal: .interactive)
        #expect(interactive.argv == ["run"] + create.argv.dropFirst())
    }

    @Test(arguments: [
        (NetworkPolicy.Mode.bridge, "bridge"), (.host, "host"), (.none, "none"), (.allowlist, "bridge"),
    ])
    func networkFlagFollowsTheMode(mode: NetworkPolicy.Mode, flag: String) throws {
        let policy = PolicyFixture.policy { $0.network.mode = Sourced(mode, .builtin) }
        let argv = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none).argv
        let index = try #require(argv.firstIndex(of: "--network"))
        #expect(argv[index + 1] == flag)
    }

    @Test func pidsLimitFallsBackToAnNprocBoundReportedUnsupported() throws {
        var facts = facts
        facts.pidsLimitSupported = false
        facts.cgroupVersion = 1
        let invocation = try PodmanBackend.create(PolicyFixture.policy, facts: facts, session: session, terminal: .none)
        #expect(!invocation.argv.contains("--pids-limit"))
        #expect(invocation.argv.contains("nproc=2048:2048"))
        let pids = try #require(invocation.enforcement.first { $0.element == "limits.pids" })
        #expect(pids.level == .unsupported)
        #expect(pids.note.contains("nproc=2048"))
    }

    @Test func ulimitsNeverExceedTheCallersHardLimits() throws {
        var facts = PolicyFixture.rootfulFacts
        facts.hardLimits = ["nofile": 1024, "nproc": 100]
        let argv = try PodmanBackend.create(PolicyFixture.policy, facts: facts, session: session, terminal: .none).argv
        #expect(argv.contains("nofile=1024:1024"))
        #expect(argv.contains("nproc=100:100"))
        facts.hardLimits = [:]
        let unbounded = try PodmanBackend.create(PolicyFixture.policy, facts: facts, session: session, terminal: .none)
        #expect(unbounded.argv.contains("nofile=1048576:1048576"))
        #expect(unbounded.argv.contains("nproc=4096:4096"))
    }

    @Test func readOnlyRootGetsTmpfsAndAWritableHomeWithoutAHomeVolume() throws {
        let policy = PolicyFixture.policy { $0.readOnlyRoot = Sourced(true, .builtin) }
        let argv = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none).argv
        let tmpfs = zip(argv, argv.dropFirst()).filter { $0.0 == "--tmpfs" }.map(\.1)
        #expect(argv.contains("--read-only"))
        // Each bounded by half the memory limit (4096 MiB: the fake host's memory is unknown).
        #expect(tmpfs == ["/tmp:size=2048m", "/run:size=2048m", "/home/developer:size=2048m"])
    }

    @Test func homeVolumeIsMountedOnlyWhenThePolicyAsksForIt() throws {
        let withoutPolicy = try PodmanBackend.create(
            PolicyFixture.policy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .none)
        #expect(!withoutPolicy.argv.contains { $0.hasPrefix("mino-home-") })
        let policy = PolicyFixture.policy { $0.homeVolume = Sourced(true, .builtin) }
        let with = try PodmanBackend.create(
            policy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .none)
        #expect(with.argv.contains("mino-home-0123456789ab:/home/developer:nosuid,nodev"))
    }

    @Test func sshAgentNeedsBothTheRequestAndASocket() throws {
        let policy = PolicyFixture.policy { $0.credentials.sshAgent = Sourced(true, .builtin) }
        var facts = facts
        facts.sshAuthSocket = nil
        let argv = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none).argv
        #expect(!argv.contains { $0.contains("/ssh-agent") })
        #expect(!argv.contains("SSH_AUTH_SOCK"))
    }

    @Test func wrapperModeRunsTheWrapperAsContainerRoot() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.allowlist(enforcement: .wrapper), facts: facts, session: session, terminal: .none)
        let wrapper = try #require(invocation.wrapper)
        #expect(invocation.argv.suffix(3) == ["/bin/sh", "-c", wrapper.rendered])
        #expect(invocation.argv.contains("--userns=keep-id"))
        let user = try #require(invocation.argv.firstIndex(of: "--user"))
        #expect(invocation.argv[user + 1] == "0:0")
        #expect(wrapper.rendered.contains("--gid=1000 --groups=1000 --uid=1000"))
    }

    @Test func netnsAllowlistNeedsNoCapabilityAndNoWrapper() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.allowlist(enforcement: .netns), facts: facts, session: session, terminal: .none)
        #expect(invocation.wrapper == nil)
        #expect(!invocation.argv.contains("--cap-add"))
        #expect(invocation.argv.last == "/bin/bash")
    }

    @Test func wrapperModeReportsUnresolvedHostsBeforeAnythingStarts() {
        let policy = PolicyFixture.allowlist([PolicyFixture.rule("nowhere.example", 443)], enforcement: .wrapper)
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
            } == ["backend.unresolved-host"])
        // `mino plan` without --resolve still shows the invocation.
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(
                    policy, facts: facts, session: session, terminal: .none, resolution: .symbolic)
            } == [])
    }

    @Test func execRunsAsTheInvokingUserOutsideWrapperMode() throws {
        let exec = try PodmanBackend.exec(
            PolicyFixture.policy, facts: facts, containerID: "0123abcd", command: ["git", "status"], terminal: .none)
        #expect(exec.argv == ["exec", "--user", "1000:1000", "0123abcd", "git", "status"])
        #expect(exec.environment.isEmpty)
    }

    @Test func linesCarryTheOriginOfThePolicyElementTheyCompile() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.fullPolicy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .none)
        func origin(of text: String) -> Origin? { invocation.lines.first { $0.text == text }?.origin }
        #expect(origin(of: "--pids-limit 4096") == PolicyFixture.origin("pids"))
        #expect(origin(of: "-w /project") == PolicyFixture.origin("workdir"))
        #expect(origin(of: "--network bridge") == PolicyFixture.origin("network"))
        #expect(origin(of: "-e EDITOR") == PolicyFixture.origin("env EDITOR"))
        #expect(origin(of: "-e npm_config_cache") == PolicyFixture.origin("caches"))
        #expect(origin(of: "-v /home/agent/notes:/notes:ro,nosuid,nodev") == PolicyFixture.origin("mount"))
        #expect(origin(of: "localhost/mino-base:latest") == PolicyFixture.origin("image"))
        #expect(origin(of: "claude --dangerously-skip-permissions") == PolicyFixture.origin("command"))
        #expect(origin(of: "--cap-drop ALL") == nil)
        #expect(origin(of: "podman create") == nil)
    }

    @Test func renderedIsTheLinesJoinedWithAFinalNewline() throws {
        let forms = [
            try PodmanBackend.create(PolicyFixture.fullPolicy, facts: facts, session: session, terminal: .interactive),
            try PodmanBackend.run(PolicyFixture.allowlist(enforcement: .wrapper), facts: facts, session: session),
            try PodmanBackend.exec(
                PolicyFixture.allowlist(enforcement: .wrapper), facts: facts, containerID: "c", command: nil,
                terminal: .none),
        ]
        for invocation in forms {
            #expect(invocation.rendered == invocation.lines.map(\.text).joined(separator: "\n") + "\n")
            #expect(invocation.lines.allSatisfy { !$0.text.contains("\n") })
        }
    }

    @Test(arguments: ["HOME", "PATH", "LD_PRELOAD", "CONTAINERS_CONF", "XDG_RUNTIME_DIR", "TMPDIR", "CONTAINER_HOST"])
    func variablesPodmanReadsItselfAreRefused(name: String) {
        let policy = PolicyFixture.policy { $0.environment = [PolicyFixture.variable(name, .literal("/x"))] }
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
            } == ["backend.reserved-environment-name"])
    }

    @Test(arguments: ["suid", "dev", "U", "rshared", "exec,suid"])
    func mountOptionsThatWeakenTheMountAreRefused(option: String) {
        let policy = PolicyFixture.policy {
            $0.mounts = [Mount(source: .volume("data"), target: "/data", options: [option], origin: .builtin)]
        }
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
            } == ["backend.unsafe-mount-option"])
    }

    @Test func twoMountsOnOneTargetAreRefused() {
        let policy = PolicyFixture.policy {
            $0.mounts = [Mount(source: .volume("data"), target: "/project/", options: [], origin: .builtin)]
        }
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
            } == ["backend.duplicate-mount-target"])
    }

    @Test(arguments: ["/home/agent", "/", "/home", "/home/agent/.ssh", "/home/agent/.aws/sub"])
    func projectThatExposesCredentialsIsRefused(path: String) {
        let policy = PolicyFixture.policy { $0.project.hostPath = Sourced(path, .builtin) }
        #expect(
            Self.codes {
                _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
            } == ["backend.sensitive-path"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let policy = PolicyFixture.policy {
            $0.image = Sourced("--privileged", .builtin)
            $0.limits.pids = Sourced(0, .builtin)
            $0.project.workdir = Sourced("/a:b", .builtin)
            $0.environment = [PolicyFixture.variable("A=B", .literal("x"))]
        }
        let codes = Self.codes {
            _ = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
        }
        #expect(
            codes.sorted() == [
                "backend.invalid-environment-name", "backend.invalid-image", "backend.invalid-limit",
                "backend.invalid-path",
            ])
    }

    @Test func containerNameIsPrefixedSoItNeverCollidesWithTheUsersContainers() {
        #expect(PodmanBackend.containerName(forSession: "fix-bug") == "mino-fix-bug")
    }
}
