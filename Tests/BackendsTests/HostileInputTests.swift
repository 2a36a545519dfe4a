import Backends
import Diagnostics
import PolicyModel
import Testing

/// Hostile strings in every place they can reach an artifact: refused with a diagnostic, or
/// carried as one literal element, never injected.
@Suite struct HostileInputTests {
    let facts = PolicyFixture.facts
    let session = PolicyFixture.session

    func codes(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.allSatisfy { !$0.message.contains("\n") && !$0.message.contains("\0") })
            return error.diagnostics.map(\.code.rawValue)
        } catch {
            return ["unexpected"]
        }
    }

    func create(_ policy: SandboxPolicy, session: PodmanSession? = nil, facts: HostFacts? = nil) throws {
        _ = try PodmanBackend.create(
            policy, facts: facts ?? self.facts, session: session ?? self.session, terminal: .none)
    }

    @Test(arguments: [
        "--privileged", "-v/:/host", "", "img name", "img\nname", "img;rm -rf /", "$(id)", "img`id`", "a\0b",
        "image'quote",
    ])
    func hostileImagesAreRefused(image: String) {
        let policy = PolicyFixture.policy { $0.image = Sourced(image, .builtin) }
        #expect(codes { try create(policy) } == ["backend.invalid-image"])
    }

    @Test func hostileCommandArgumentsStayOneArgvElementAndOneDisplayLine() throws {
        let arguments = CapshWrapperBackendTests.hostileArguments
        let policy = PolicyFixture.policy { $0.command = Sourced(["agent"] + arguments, .builtin) }
        let invocation = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
        #expect(Array(invocation.argv.suffix(arguments.count)) == arguments)
        #expect(invocation.lines.allSatisfy { !$0.text.contains("\n") })
        let exec = try PodmanBackend.exec(policy, facts: facts, containerID: "c", command: arguments, terminal: .none)
        #expect(Array(exec.argv.suffix(arguments.count)) == arguments)
    }

    @Test func commandArgumentsWithNulBytesAreRefused() {
        let policy = PolicyFixture.policy { $0.command = Sourced(["agent", "a\0b"], .builtin) }
        #expect(codes { try create(policy) } == ["backend.invalid-argument"])
    }

    @Test(arguments: ["A=B", "A B", "1A", "", "A\nB", "A-B", "A$B", "-e", "É"])
    func hostileEnvironmentNamesAreRefused(name: String) {
        let policy = PolicyFixture.policy { $0.environment = [PolicyFixture.variable(name, .literal("x"))] }
        #expect(codes { try create(policy) } == ["backend.invalid-environment-name"])
    }

    @Test(arguments: ["x\n-e EVIL=1", "$(id)", "'; rm -rf / #", "--privileged"])
    func hostileEnvironmentValuesNeverReachArgvOrText(value: String) throws {
        let policy = PolicyFixture.policy { $0.environment = [PolicyFixture.variable("SAFE", .literal(value))] }
        let invocation = try PodmanBackend.create(policy, facts: facts, session: session, terminal: .none)
        #expect(invocation.environment["SAFE"] == .literal(value))
        #expect(!invocation.argv.contains { $0.contains(value) })
        #expect(!invocation.rendered.contains(value))
    }

    @Test func environmentValuesWithNulBytesAreRefusedWithoutShowingThem() {
        let policy = PolicyFixture.policy {
            $0.environment = [PolicyFixture.variable("TOKEN", .literal("secret\0value"), secret: true)]
        }
        do {
            try create(policy)
            Issue.record("accepted")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.map(\.code) == ["backend.invalid-environment-value"])
            #expect(
                error.diagnostics.allSatisfy { !$0.message.contains("secret") && $0.help?.contains("secret") != true })
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: [
        "/home/agent/pro:ject", "/home/agent/pro,ject", "/home/agent/pro\nject", "/home/agent/pro\0ject",
        "relative/project", "/home/agent/../etc", "/home/agent/./x",
    ])
    func hostileProjectPathsAreRefused(path: String) {
        let policy = PolicyFixture.policy { $0.project.hostPath = Sourced(path, .builtin) }
        #expect(codes { try create(policy) } == ["backend.invalid-path"])
    }

    @Test(arguments: ["/pro:ject", "/a,b", "relative", "/", "/x\ny"])
    func hostileWorkdirsAreRefused(workdir: String) {
        let policy = PolicyFixture.policy { $0.project.workdir = Sourced(workdir, .builtin) }
        #expect(codes { try create(policy) } == ["backend.invalid-path"])
    }

    @Test(arguments: [
        Mount.Source.hostPath("/a:/etc"), .hostPath("/a,suid"), .hostPath("rel"), .volume("-v"), .volume("a/b"),
        .volume("a:b"),
    ])
    func hostileMountSourcesAreRefused(source: Mount.Source) {
        let policy = PolicyFixture.policy {
            $0.mounts = [Mount(source: source, target: "/data", options: [], origin: .builtin)]
        }
        #expect(codes { try create(policy) }.count == 1)
    }

    @Test(arguments: ["/data:/etc", "/data,ro", "data", "/da\nta"])
    func hostileMountTargetsAreRefused(target: String) {
        let policy = PolicyFixture.policy {
            $0.mounts = [Mount(source: .volume("data"), target: target, options: [], origin: .builtin)]
        }
        #expect(codes { try create(policy) } == ["backend.invalid-path"])
    }

    @Test func hostileSSHAgentSocketIsRefused() {
        var facts = facts
        facts.sshAuthSocket = "/tmp/a:/etc/shadow"
        let policy = PolicyFixture.policy { $0.credentials.sshAgent = Sourced(true, .builtin) }
        #expect(codes { try create(policy, facts: facts) } == ["backend.invalid-path"])
    }

    @Test(arguments: ["-rm", "a b", "a\nb", "../x", "a/b", "`id`", "$(id)", "", ".hidden", "a;b", "x=y"])
    func hostileSessionNamesAreRefused(name: String) {
        let session = PodmanSession(name: name, homeVolume: nil)
        #expect(codes { try create(PolicyFixture.policy, session: session) } == ["backend.invalid-session-name"])
    }

    @Test(arguments: ["-v", "mino-home-x:/etc", "a b", "x\n"])
    func hostileHomeVolumeNamesAreRefused(volume: String) {
        let policy = PolicyFixture.policy { $0.homeVolume = Sourced(true, .builtin) }
        let session = PodmanSession(name: "s", homeVolume: volume)
        #expect(codes { try create(policy, session: session) } == ["backend.invalid-volume-name"])
    }

    @Test(arguments: ["--privileged", "abc def", "abc\n", "", "$(id)"])
    func hostileContainerIDsAreRefused(identifier: String) {
        #expect(
            codes {
                _ = try PodmanBackend.exec(
                    PolicyFixture.policy, facts: facts, containerID: identifier, command: nil, terminal: .none)
            } == ["backend.invalid-container-id"])
    }

    @Test(arguments: [
        "evil.com -j ACCEPT", "a\nb", "-x.com", "a..b", "", "evil.com\n-A OUTPUT -j ACCEPT", "a b", "a/b", "*.example",
    ])
    func hostileHostNamesAreRefused(host: String) {
        let policy = PolicyFixture.allowlist([NetworkRule(host: .name(host), port: 443, origin: .builtin)])
        for resolution in [AddressResolution.resolved, .symbolic] {
            #expect(
                codes { _ = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: resolution) }
                    == ["backend.invalid-host-name"])
        }
    }

    @Test(arguments: [
        NetworkRule.Host.ipv4("1.2.3.4 -j ACCEPT"), .ipv4("::1"), .ipv6("10.0.0.1"), .ipv6("::1\n-A OUTPUT -j ACCEPT"),
        .ipv4("0.0.0.0/0"),
    ])
    func hostileAddressLiteralsAreRefused(host: NetworkRule.Host) {
        let policy = PolicyFixture.allowlist([NetworkRule(host: host, port: 443, origin: .builtin)])
        #expect(
            codes { _ = try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .symbolic) }
                == ["backend.invalid-address"])
    }

    @Test func hostileCacheEcosystemIsRefused() {
        let policy = PolicyFixture.policy {
            $0.caches.volumes = [CacheVolume(ecosystem: "../../etc", volumeName: "mino-cache-x", environment: [:])]
        }
        #expect(codes { try create(policy) } == ["backend.invalid-path"])
    }

    @Test func diagnosticsShowHostileInputEscapedOnOneLine() {
        let session = PodmanSession(name: "a\nb`c", homeVolume: nil)
        do {
            try create(PolicyFixture.policy, session: session)
            Issue.record("accepted")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.first?.message == "session name `a\\nb\\`c` is not allowed")
        } catch {
            Issue.record("\(error)")
        }
    }
}
