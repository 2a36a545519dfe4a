import Backends
import Diagnostics
import PolicyModel
import Testing

/// One test per invariant of security.md that the backends are responsible for, each checked
/// over every combination of host (rootless, rootless on cgroup v1, rootful), policy (default,
/// everything on, each network mode, both allowlist appliers) and podman form.
@Suite struct SecurityInvariantTests {
    struct Case {
        let label: String
        let policy: SandboxPolicy
        let facts: HostFacts
        let invocation: PodmanInvocation
    }

    static var hosts: [(String, HostFacts)] {
        var cgroupV1 = PolicyFixture.facts
        cgroupV1.pidsLimitSupported = false
        cgroupV1.cgroupVersion = 1
        return [("rootless", PolicyFixture.facts), ("rootless-v1", cgroupV1), ("rootful", PolicyFixture.rootfulFacts)]
    }

    static var policies: [(String, SandboxPolicy)] {
        [
            ("default", PolicyFixture.policy), ("full", PolicyFixture.fullPolicy),
            ("host", PolicyFixture.policy { $0.network.mode = Sourced(.host, .builtin) }),
            ("none", PolicyFixture.policy { $0.network.mode = Sourced(.none, .builtin) }),
            ("allowlist-netns", PolicyFixture.allowlist(enforcement: .netns)),
            ("allowlist-wrapper", PolicyFixture.allowlist(enforcement: .wrapper)),
            (
                "full-wrapper",
                PolicyFixture.policy {
                    $0 = PolicyFixture.fullPolicy
                    $0.network = PolicyFixture.allowlist(enforcement: .wrapper).network
                }
            ),
        ]
    }

    /// Every create, run and exec invocation of every host and policy.
    static func cases() throws -> [Case] {
        var cases = [Case]()
        for (hostLabel, facts) in hosts {
            for (policyLabel, policy) in policies {
                let forms: [(String, PodmanInvocation)] = [
                    (
                        "create-tty",
                        try PodmanBackend.create(
                            policy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .interactive)
                    ),
                    (
                        "create",
                        try PodmanBackend.create(policy, facts: facts, session: PolicyFixture.session, terminal: .none)
                    ),
                    ("run", try PodmanBackend.run(policy, facts: facts, session: PolicyFixture.sessionWithHome)),
                    (
                        "exec-shell",
                        try PodmanBackend.exec(
                            policy, facts: facts, containerID: "c0ffee", command: nil, terminal: .interactive)
                    ),
                    (
                        "exec-command",
                        try PodmanBackend.exec(
                            policy, facts: facts, containerID: "c0ffee", command: ["git", "push"], terminal: .none)
                    ),
                ]
                for (formLabel, invocation) in forms {
                    cases.append(
                        Case(
                            label: "\(hostLabel)/\(policyLabel)/\(formLabel)", policy: policy, facts: facts,
                            invocation: invocation))
                }
            }
        }
        return cases
    }

    static func containerCases() throws -> [Case] { try cases().filter { $0.invocation.form != .exec } }

    static func usesWrapper(_ policy: SandboxPolicy) -> Bool {
        policy.network.mode.value == .allowlist && policy.network.enforcement.value == .wrapper
    }

    /// The options part of a create/run argv: everything before the image.
    static func options(_ invocation: PodmanInvocation, _ policy: SandboxPolicy) -> ArraySlice<String> {
        let image = invocation.argv.lastIndex(of: policy.image.value) ?? invocation.argv.endIndex
        return invocation.argv[..<image]
    }

    static func values(of option: String, in argv: some Collection<String>) -> [String] {
        zip(argv, argv.dropFirst()).filter { $0.0 == option }.map(\.1)
    }

    @Test func capDropAllIsAlwaysPresentAndPrecedesEveryAdd() throws {
        for item in try Self.containerCases() {
            let argv = item.invocation.argv
            let drops = argv.indices.dropLast().filter { argv[$0] == "--cap-drop" }
            #expect(drops.count == 1 && argv[drops[0] + 1] == "ALL", "\(item.label)")
            let adds = argv.indices.filter { argv[$0] == "--cap-add" }
            #expect(adds.allSatisfy { $0 > (drops.first ?? .max) }, "\(item.label)")
        }
    }

    @Test func capabilitiesAreAddedOnlyInWrapperModeAndOnlyTheWrappersOwn() throws {
        for item in try Self.containerCases() {
            let added = Self.values(of: "--cap-add", in: item.invocation.argv)
            let expected = Self.usesWrapper(item.policy) ? CapshWrapperBackend.addedCapabilities : []
            #expect(added == expected, "\(item.label)")
            #expect(!item.invocation.argv.contains { $0.hasPrefix("--cap-add=") }, "\(item.label)")
        }
    }

    @Test func everyAddedCapabilityIsDroppedBeforeTheAgentRuns() throws {
        for item in try Self.cases() where Self.usesWrapper(item.policy) {
            let script = try #require(item.invocation.wrapper, "\(item.label)")
            let capsh = try #require(script.lines.last?.text, "\(item.label)")
            let drop = try #require(capsh.split(separator: " ").first { $0.hasPrefix("--drop=") })
            let dropped = Set(drop.dropFirst("--drop=".count).split(separator: ",").map { String($0) })
            let added = Set(CapshWrapperBackend.addedCapabilities.map { "cap_" + $0.lowercased() })
            #expect(added.isSubset(of: dropped), "\(item.label)")
            #expect(capsh.hasPrefix("exec capsh "), "\(item.label)")
            #expect(capsh.contains(" --uid=1000 "), "\(item.label)")
        }
    }

    @Test func execInWrapperModeReDropsTheCapabilitiesExecGivesBack() throws {
        for item in try Self.cases() where item.invocation.form == .exec {
            let argv = item.invocation.argv
            if Self.usesWrapper(item.policy) {
                let script = try #require(item.invocation.wrapper, "\(item.label)")
                #expect(argv.suffix(3) == ["/bin/sh", "-c", script.rendered], "\(item.label)")
                #expect(script.rendered.contains("--drop=cap_net_admin,cap_setgid,cap_setpcap,cap_setuid"))
                #expect(Self.values(of: "--user", in: argv) == ["0:0"], "\(item.label)")
            } else {
                #expect(item.invocation.wrapper == nil, "\(item.label)")
                #expect(Self.values(of: "--user", in: argv) == ["1000:1000"], "\(item.label)")
            }
        }
    }

    @Test func noNewPrivilegesAndMinosSeccompProfileAreAlwaysSet() throws {
        for item in try Self.containerCases() {
            let options = Self.values(of: "--security-opt", in: item.invocation.argv)
            #expect(options.count == 2 && options.first == "no-new-privileges", "\(item.label): \(options)")
            #expect(
                options.last?.hasPrefix("seccomp=/") == true && options.last?.hasSuffix(".json") == true,
                "\(item.label): \(options)")
        }
    }

    @Test func neverPrivilegedNorAHostNamespaceNorAnUnconfinedProfile() throws {
        let namespaceOptions = ["--pid", "--ipc", "--uts", "--cgroupns", "--userns"]
        for item in try Self.cases() {
            let options =
                item.invocation.form == .exec
                ? item.invocation.argv.prefix(while: { $0 != "c0ffee" })
                : Self.options(item.invocation, item.policy)
            for option in options {
                #expect(!option.hasPrefix("--privileged"), "\(item.label)")
                #expect(!option.hasPrefix("--device"), "\(item.label)")
                for namespace in namespaceOptions where option == namespace || option.hasPrefix(namespace + "=") {
                    #expect(option == "--userns=keep-id", "\(item.label): \(option)")
                }
                #expect(!option.contains("unconfined") && !option.contains("label=disable"), "\(item.label)")
            }
        }
    }

    @Test func rootlessAlwaysMapsTheUserWithKeepID() throws {
        for item in try Self.containerCases() where item.facts.isRootless {
            #expect(item.invocation.argv.contains("--userns=keep-id"), "\(item.label)")
        }
    }

    @Test func theAgentNeverRunsAsRoot() throws {
        for item in try Self.cases() {
            let users = Self.values(of: "--user", in: item.invocation.argv)
            if Self.usesWrapper(item.policy) {
                // Container root holds only the wrapper's capabilities and capsh switches to the user.
                #expect(users == ["0:0"], "\(item.label)")
                #expect(item.invocation.wrapper?.rendered.contains("--gid=1000 --groups=1000 --uid=1000") == true)
            } else {
                // Rootless too: an image's `USER` must not decide who the agent is.
                #expect(users == ["1000:1000"], "\(item.label)")
            }
        }
    }

    @Test func theProjectAndEveryOtherMountAreNosuidNodev() throws {
        for item in try Self.containerCases() {
            let mounts = Self.values(of: "-v", in: item.invocation.argv)
            #expect(mounts.first == "/home/agent/project:/project:nosuid,nodev", "\(item.label)")
            for mount in mounts {
                let options = mount.split(separator: ":").last?.split(separator: ",") ?? []
                #expect(options.contains("nosuid") && options.contains("nodev"), "\(item.label): \(mount)")
            }
        }
    }

    @Test func processesAreAlwaysBounded() throws {
        for item in try Self.containerCases() {
            let argv = item.invocation.argv
            let bounded =
                argv.contains("--pids-limit")
                || Self.values(of: "--ulimit", in: argv).contains { $0.hasPrefix("nproc=") }
            #expect(bounded, "\(item.label)")
            #expect(argv.contains("--pids-limit") == item.facts.pidsLimitSupported, "\(item.label)")
        }
    }

    @Test func containersAreAlwaysRemovedWhenTheSessionEnds() throws {
        for item in try Self.containerCases() {
            #expect(item.invocation.argv.contains("--rm"), "\(item.label)")
        }
    }

    @Test func noEnvironmentValueEverTravelsInArgvOrPrintedText() throws {
        for item in try Self.cases() {
            let argv = item.invocation.argv
            for (option, value) in zip(argv, argv.dropFirst()) where option == "-e" || option == "--env" {
                #expect(!value.contains("="), "\(item.label): \(value)")
            }
            #expect(!argv.contains { $0.hasPrefix("--env=") || $0.hasPrefix("--env-file") }, "\(item.label)")
            let texts =
                argv + [item.invocation.rendered] + item.invocation.lines.map(\.text)
                + [item.invocation.wrapper?.rendered ?? ""]
            #expect(!texts.contains { $0.contains(PolicyFixture.canarySecret) }, "\(item.label)")
        }
        let helper = try HelperRequestBackend.spawnRequest(
            for: PolicyFixture.policy {
                $0 = PolicyFixture.fullPolicy
                $0.project.hostPath = Sourced("/home/agent/p", .builtin)
            },
            facts: PolicyFixture.facts, sessionID: "s", dotfileDirectory: nil, environment: .redacted)
        #expect(!helper.rendered.contains(PolicyFixture.canarySecret))
    }

    @Test func hostLocalhostIsNeverSharedUnlessHostModeIsAsked() throws {
        for item in try Self.containerCases() {
            let network = Self.values(of: "--network", in: item.invocation.argv)
            #expect((network == ["host"]) == (item.policy.network.mode.value == .host), "\(item.label)")
        }
    }

    static var rulesetPolicies: [SandboxPolicy] {
        [
            PolicyFixture.allowlist(),
            PolicyFixture.allowlist([
                PolicyFixture.rule("10.0.0.1", 443), PolicyFixture.rule("2001:db8::1", 443),
                PolicyFixture.rule("v6only.example", 22), PolicyFixture.rule("github.com", 22),
                PolicyFixture.rule("api.anthropic.com", 8443),
            ]),
        ]
    }

    static func destinations(_ lines: [ArtifactLine]) -> [String] {
        lines.compactMap { line -> String? in
            let words = line.text.split(separator: " ")
            guard let index = words.firstIndex(of: "-d"), index + 1 < words.count else { return nil }
            return String(words[index + 1].split(separator: "/")[0])
        }
    }

    @Test func ipv4AndIPv6FamiliesAreNeverMixed() throws {
        for policy in Self.rulesetPolicies {
            for resolution in [AddressResolution.resolved, .symbolic] {
                let ruleset = try #require(
                    try NetfilterBackend.ruleset(for: policy, facts: PolicyFixture.facts, resolution: resolution))
                #expect(Self.destinations(ruleset.ipv4Lines).allSatisfy { IPAddress($0, family: .ipv4) != nil })
                #expect(Self.destinations(ruleset.ipv6Lines).allSatisfy { IPAddress($0, family: .ipv6) != nil })
                #expect(!ruleset.ipv4.contains("icmp6") && !ruleset.ipv6.contains("icmp-admin"))
            }
        }
    }

    @Test func dnsIsAcceptedOnlyToTheContainersResolvers() throws {
        let resolvers = Set(PolicyFixture.facts.containerResolvers)
        for policy in Self.rulesetPolicies {
            let ruleset = try #require(
                try NetfilterBackend.ruleset(for: policy, facts: PolicyFixture.facts, resolution: .resolved))
            let dns = ruleset.lines.filter { $0.text.contains("--dport 53 ") }
            #expect(!dns.isEmpty)
            #expect(Set(Self.destinations(dns)) == resolvers)
            #expect(dns.count == Self.destinations(dns).count)
        }
    }

    @Test func theFenceIsDefaultDenyAndAcceptsOnlyWhatItNames() throws {
        let allowedFixed: Set<String> = [
            "-A OUTPUT -o lo -j ACCEPT", "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
            "-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 133 -j ACCEPT",
            "-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT",
            "-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT",
        ]
        for policy in Self.rulesetPolicies {
            let ruleset = try #require(
                try NetfilterBackend.ruleset(for: policy, facts: PolicyFixture.facts, resolution: .resolved))
            for table in [ruleset.ipv4Lines, ruleset.ipv6Lines].map({ $0.map(\.text) }) {
                #expect(table.contains(":OUTPUT DROP [0:0]") && table.contains(":INPUT DROP [0:0]"))
                let accepts = table.filter { $0.hasPrefix("-A OUTPUT") && $0.hasSuffix("-j ACCEPT") }
                #expect(accepts.allSatisfy { allowedFixed.contains($0) || $0.contains(" -d ") })
                #expect(table.suffix(3).first?.contains("REJECT") == true)
            }
        }
    }

    @Test func sudoersFileNamesNeverContainADot() throws {
        for user in ["john.doe", "a.b.c", "agent", ".x", "x.", "a..b"] {
            var facts = PolicyFixture.facts
            facts.userName = user
            let fragment = try SudoersBackend.fragment(facts: facts)
            #expect(!fragment.fileName.contains("."), "\(user)")
            #expect(!fragment.path.dropFirst("/etc/sudoers.d/".count).contains("."))
        }
    }

    @Test func theNativeHelperNeverRunsTheAgentAsRootOrInAnArbitraryHome() throws {
        for user in ["root", PolicyFixture.facts.userName] {
            let policy = PolicyFixture.policy { $0.native.sandboxUser = Sourced(user, .builtin) }
            #expect(throws: DiagnosticError.self) {
                try HelperRequestBackend.spawnRequest(
                    for: policy, facts: PolicyFixture.facts, sessionID: "s", dotfileDirectory: nil,
                    environment: .redacted)
            }
        }
        let request = try HelperRequestBackend.spawnRequest(
            for: PolicyFixture.policy, facts: PolicyFixture.facts, sessionID: "s", dotfileDirectory: nil,
            environment: .redacted)
        #expect(request.homeDirectory == "/tmp/mino-home-s")
    }
}
