import Backends
import Diagnostics
import Foundation
import PolicyModel
import Testing

@Suite struct SeccompBackendTests {
    let profile = SeccompBackend.profile()

    /// The rules that name `syscall`.
    func rules(_ syscall: String) -> [SeccompRule] { profile.rules.filter { $0.names.contains(syscall) } }

    @Test func defaultActionRefusesEverySyscallNotAllowed() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(profile.rendered.utf8)) as? [String: Any])
        #expect(document["defaultAction"] as? String == "SCMP_ACT_ERRNO")
        #expect(document["defaultErrnoRet"] as? Int == 38)
        #expect((document["syscalls"] as? [Any])?.count == profile.rules.count)
    }

    @Test func podmansAllowListIsKeptExceptWhatMinoControls() {
        let allowed = Set(profile.rules.filter { $0.action == .allow && $0.arguments.isEmpty }.flatMap(\.names))
        for name in ["read", "write", "execve", "mmap", "socket", "setns", "mount", "pivot_root", "fork", "vfork"]
        where name != "socket" {
            #expect(allowed.contains(name), "\(name) is no longer allowed")
        }
        #expect(allowed.count > 300, "only \(allowed.count) syscalls allowed")
        for name in ["clone", "clone3", "unshare", "keyctl", "add_key", "request_key", "bpf", "userfaultfd"] {
            #expect(!allowed.contains(name), "\(name) is allowed unconditionally")
        }
    }

    @Test func userNamespaceCreationIsRefusedWithEPERM() {
        for syscall in ["clone", "unshare"] {
            for rule in rules(syscall) {
                #expect(rule.names == [syscall], "\(syscall) shares a rule: \(rule.names)")
                let argument = rule.arguments.first
                #expect(rule.arguments.count == 1, "\(syscall): \(rule.arguments)")
                #expect(argument?.op == .maskedEqual && argument?.value == SeccompBackend.cloneNewUser)
                switch rule.action {
                case .allow: #expect(argument?.valueTwo == 0, "\(syscall) allowed with CLONE_NEWUSER")
                case .errno(let errno):
                    #expect(errno == .permission)
                    #expect(argument?.valueTwo == SeccompBackend.cloneNewUser)
                }
            }
            #expect(rules(syscall).contains { $0.action == .errno(.permission) })
        }
    }

    @Test func clone3FailsAsUnimplementedSoLibcFallsBackToClone() {
        #expect(rules("clone3").map(\.action) == [.errno(.notImplemented)])
    }

    @Test func keyringEBPFUserfaultfdAndPerfEventsAreRefused() {
        for syscall in SeccompBackend.alwaysDenied {
            #expect(rules(syscall).map(\.action) == [.errno(.permission)], "\(syscall)")
            #expect(rules(syscall).allSatisfy { $0.includes == SeccompCondition() && $0.arguments.isEmpty })
        }
    }

    @Test func profileIsDeterministicAndReportedAsKernelEnforced() {
        #expect(SeccompBackend.profile().rendered == profile.rendered)
        #expect(profile.rendered == ArtifactLine.render(profile.lines))
        #expect(profile.enforcement.map(\.level) == [.kernel])
        #expect(profile.summaryLines.contains { $0.text.contains("CLONE_NEWUSER") })
    }

    @Test func podmanNamesTheProfileInTheSessionsRuntimeDirectory() throws {
        let invocation = try PodmanBackend.create(
            PolicyFixture.policy, facts: PolicyFixture.facts, session: PolicyFixture.session, terminal: .none)
        let argv = invocation.argv
        let path = SeccompBackend.profilePath(runtimeDirectory: "/run/user/1000/mino")
        #expect(path == "/run/user/1000/mino/seccomp/" + profile.sha256.prefix(16) + ".json")
        let index = try #require(argv.firstIndex(of: "seccomp=" + path))
        #expect(argv[index - 1] == "--security-opt")
        #expect(argv[index - 3...index - 2] == ["--security-opt", "no-new-privileges"])
        #expect(invocation.enforcement.contains { $0.element == "seccomp" && $0.level == .kernel })
    }
}

@Suite struct MemoryLimitTests {
    @Test func defaultIsHalfTheHostsMemoryWithACeiling() {
        var facts = PolicyFixture.facts
        facts.memoryTotalMB = 8000
        #expect(PodmanBackend.memoryLimitMB(PolicyFixture.policy, facts: facts) == 4000)
        facts.memoryTotalMB = 128_000
        #expect(PodmanBackend.memoryLimitMB(PolicyFixture.policy, facts: facts) == 16384)
        facts.memoryTotalMB = nil
        #expect(PodmanBackend.memoryLimitMB(PolicyFixture.policy, facts: facts) == 4096)
        let policy = PolicyFixture.policy { $0.limits.memoryMB = Sourced(512, .builtin) }
        #expect(PodmanBackend.memoryLimitMB(policy, facts: facts) == 512)
    }

    @Test func memoryAndSwapAreBothLimitedWhenTheHostCanEnforce() throws {
        let policy = PolicyFixture.policy { $0.limits.memoryMB = Sourced(512, .builtin) }
        let invocation = try PodmanBackend.create(
            policy, facts: PolicyFixture.facts, session: PolicyFixture.session, terminal: .none)
        let argv = invocation.argv
        let index = try #require(argv.firstIndex(of: "--memory"))
        #expect(Array(argv[index...index + 3]) == ["--memory", "512m", "--memory-swap", "512m"])
        let report = try #require(invocation.enforcement.first { $0.element == "limits.memory" })
        #expect(report.level == .kernel)
    }

    @Test func rootlessCgroupV1ReportsTheMemoryLimitUnsupported() throws {
        var facts = PolicyFixture.facts
        facts.pidsLimitSupported = false
        facts.cgroupVersion = 1
        let invocation = try PodmanBackend.create(
            PolicyFixture.policy, facts: facts, session: PolicyFixture.session, terminal: .none)
        #expect(!invocation.argv.contains("--memory"))
        #expect(!invocation.argv.contains("--memory-swap"))
        let report = try #require(invocation.enforcement.first { $0.element == "limits.memory" })
        #expect(report.level == .unsupported)
    }
}
