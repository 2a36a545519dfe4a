import Foundation
import Testing

extension Integration {
    /// Policy DNS and pinned egress (issue 12), rootless and rootful, netns applier: the
    /// session's only resolver is mino's, which forwards allowed names alone to a DNS canary on
    /// the host's loopback (the user's `network.dns_servers`) and pins each address it answers.
    /// Test hosts live on TEST-NET in a network namespace the suite creates (`TestNet`).
    ///
    /// Every blocked probe has a control of the same kind that succeeds: the same probe from an
    /// unfenced session (`--network bridge`), or an allowed neighbour in the same session.
    /// IPv6 and ICMP to the test hosts are checked rootful only: a rootless session's bridge
    /// (slirp4netns) has no IPv6 route and this host's `ping_group_range` gives it no ICMP, so
    /// there is no control for them there (NetworkFence covers both rootless, on a podman
    /// network).
    @Suite(.policyDNSFixture) struct PolicyDNS {
        /// The allow rules most tests use: a wildcard and a literal address on another port.
        static let rules = ["*.allowed.test:8080", "198.51.100.12:8081"]

        /// The canary's usual table.
        static let records: [String: [DNSCanary.Record]] = [
            "api.allowed.test": [.a("198.51.100.10"), .aaaa("2001:db8:51::10"), .txt("allowed-txt")],
            "a.allowed.test": [.a("198.51.100.10")],
            "alias.allowed.test": [.cname("api.allowed.test")],
            "allowed.test": [.a("198.51.100.11")],
            "allowed.test.evil.test": [.a("198.51.100.11")],
        ]

        /// A harness whose global config makes `canary` the upstream, with `settings` added to
        /// its `[network]` table.
        static func session(
            _ identity: Identity, _ records: [String: [DNSCanary.Record]] = records, settings: String = ""
        ) throws -> (Harness, DNSCanary, PolicyDNSFixture.World) {
            let world = try PolicyDNSFixture.world(identity)
            let harness = try Harness(identity, applier: .netns, network: world.network)
            let canary = try DNSCanary(records: records)
            #expect(canary.answersFromHost(), "control: the canary does not answer the host")
            try harness.appendConfig("[network]\ndns_servers = [\"\(canary.endpoint)\"]\n" + settings)
            return (harness, canary, world)
        }

        static func probe(_ harness: Harness, _ options: [String], _ specs: [String]) -> ProbeReport {
            ProbeReport(harness.run(options, ["python3", "probe.py"] + specs))
        }

        static func fenced(_ rules: [String] = rules) -> [String] {
            ["--network-allow", rules.joined(separator: ",")]
        }

        /// What the agent of a background session wrote to `agent-probe.txt`.
        static func agentReport(_ harness: Harness) -> ProbeReport {
            ProbeReport(
                CommandResult(
                    status: 0, stdout: harness.projectFile("agent-probe.txt") ?? "", stderr: "", timedOut: false,
                    argv: ["agent"]))
        }

        /// A label no one would guess, as a secret smuggled out in a DNS name would be.
        static func label() -> String { "k" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

        /// (a) A name outside the policy never reaches the upstream, whatever the type (A, AAAA,
        /// TXT, NULL, ANY) or transport (UDP, TCP, raw or through glibc's `getent` and
        /// `getaddrinfo`): the agent gets REFUSED and the canary never sees the label. Control:
        /// an allowed name's queries reach the canary and the agent gets its answers, over UDP
        /// and TCP, raw and through glibc, and through a CNAME. TXT for an allowed name is refused
        /// too (never forwarded) until the user's `network.dns_types` lists it.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func namesOutsideThePolicyNeverLeave(_ identity: Identity) throws {
            let (harness, canary, _) = try Self.session(identity)
            defer { withExtendedLifetime(canary) {} }
            let label = Self.label()
            var refused: [String] = []
            for transport in ["udp", "tcp"] {
                for type in ["A", "AAAA", "TXT", "NULL", "ANY"] {
                    refused.append("dns,\(transport),\(type),\(label)-\(transport).exfil.test")
                }
            }
            let glibc = [
                "sh,getent hosts \(label)-getent.exfil.test", "sh,getent ahosts \(label)-ahosts.exfil.test",
                "resolve,\(label)-gai.exfil.test",
            ]
            let txt = "dns,udp,TXT,api.allowed.test"
            let allowed = [
                ("dns,udp,A,api.allowed.test", "198.51.100.10"), ("dns,tcp,A,api.allowed.test", "198.51.100.10"),
                ("dns,udp,AAAA,api.allowed.test", "2001:db8:51::10"),
                ("dns,tcp,AAAA,api.allowed.test", "2001:db8:51::10"),
                ("dns,udp,A,alias.allowed.test", "198.51.100.10"),
            ]
            let glibcAllowed = ["sh,getent hosts a.allowed.test", "resolve,api.allowed.test"]
            let specs = refused + glibc + [txt] + allowed.map(\.0) + glibcAllowed
            let report = Self.probe(harness, Self.fenced(), specs)

            for spec in refused { report.answered(spec, rcode: "REFUSED", "a name outside the policy") }
            for spec in glibc { report.blocked(spec, "a name outside the policy, through glibc") }
            report.answered(txt, rcode: "REFUSED", "TXT for an allowed name, not in network.dns_types")
            for (spec, address) in allowed { report.answered(spec, rcode: "NOERROR", [address], "control") }
            report.answered(
                "dns,udp,A,alias.allowed.test", rcode: "NOERROR", ["cname:api.allowed.test"], "control, CNAME")
            report.reached(glibcAllowed[0], "control through getent")
            report.reached(glibcAllowed[1], tag: "198.51.100.10", "control through getaddrinfo")

            let queries = canary.queries
            #expect(!canary.saw(label), "the label reached the upstream: \(queries)")
            #expect(!canary.saw("exfil.test"), "a name outside the policy reached the upstream: \(queries)")
            #expect(
                !queries.contains { $0.name == "api.allowed.test" && $0.type != "A" && $0.type != "AAAA" },
                "a type outside the policy reached the upstream: \(queries)")
            for type in ["A", "AAAA"] {
                #expect(
                    queries.contains { $0.name == "api.allowed.test" && $0.type == type },
                    "control: the canary never saw api.allowed.test \(type): \(queries)")
            }
            #expect(queries.contains { $0.name == "alias.allowed.test" }, "control: \(queries)")

            // With TXT in the user's network.dns_types, an allowed name's TXT is answered; a name
            // outside the policy still gets nothing upstream.
            let (typed, typedCanary, _) = try Self.session(identity, settings: "dns_types = [\"TXT\"]\n")
            defer { withExtendedLifetime(typedCanary) {} }
            let second = Self.label()
            let typedSpecs = ["dns,udp,TXT,api.allowed.test", "dns,tcp,TXT,\(second).exfil.test"]
            let typedReport = Self.probe(typed, Self.fenced(), typedSpecs)
            typedReport.answered(typedSpecs[0], rcode: "NOERROR", ["txt:allowed-txt"], "TXT listed in dns_types")
            typedReport.answered(typedSpecs[1], rcode: "REFUSED", "TXT outside the policy, dns_types notwithstanding")
            #expect(typedCanary.queries.contains { $0.name == "api.allowed.test" && $0.type == "TXT" })
            #expect(!typedCanary.saw(second), "the label reached the upstream: \(typedCanary.queries)")
        }

        /// (b) An allowed name opens the address it was answered with, on the rule's port, and
        /// only after the answer: the same address before resolving, on another port or over UDP,
        /// another TEST-NET address, a literal IP outside the policy (and, rootful, IPv6 beside
        /// the pinned AAAA, and ICMP) stay refused. `*.allowed.test` admits `a.allowed.test`,
        /// neither `allowed.test` itself nor `allowed.test.evil.test`; a literal-address rule
        /// opens its own port. Controls: an unfenced session reaches every listener.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func onlyAnsweredAddressesOnTheRulesPort(_ identity: Identity) throws {
            let (harness, canary, world) = try Self.session(identity)
            defer { withExtendedLifetime(canary) {} }
            let net = world.net
            let (ten, eleven, twelve) = (TestNet.addresses[0], TestNet.addresses[1], TestNet.addresses[2])
            // Blocked probes and the listener tag their control reaches (nil: no tag to check).
            var blocked: [(String, String, String?)] = [
                ("another port of the answered address", "tcp,\(ten),8081", net.tag(ten, tcp: 8081)),
                ("UDP to the answered address", "udp,\(ten),5353", "\(net.tag)@\(ten) udp5353"),
                ("another TEST-NET address", "tcp,\(eleven),8080", net.tag(eleven, tcp: 8080)),
                (
                    "a literal address on a port its rule does not name", "tcp,\(twelve),8080",
                    net.tag(twelve, tcp: 8080)
                ),
            ]
            let ipv6 = world.ipv6
            let (v6ten, v6eleven) = (TestNet.ipv6Addresses[0], TestNet.ipv6Addresses[1])
            if ipv6 {
                blocked += [
                    ("IPv6, another port of the answered address", "tcp,\(v6ten),8081", net.tag(v6ten, tcp: 8081)),
                    ("IPv6, another address", "tcp,\(v6eleven),8080", net.tag(v6eleven, tcp: 8080)),
                    ("ICMP echo to the answered address", "icmp,\(ten)", nil),
                    ("ICMPv6 echo to the answered address", "icmp,\(v6ten)", nil),
                ]
            }
            let beforeAnswer = "tcp,\(ten),8080"
            let literal = "tcp,\(twelve),8081"
            let control = Self.probe(harness, ["--network", "bridge"], [beforeAnswer, literal] + blocked.map(\.1))
            control.reached(beforeAnswer, tag: net.tag(ten, tcp: 8080), "control")
            control.reached(literal, tag: net.tag(twelve, tcp: 8081), "control")
            for (what, spec, tag) in blocked { control.reached(spec, tag: tag, "control (\(what))") }

            let evil = "dns,udp,A,allowed.test.evil.test"
            let apex = "dns,udp,A,allowed.test"
            var specs = [beforeAnswer, "dns,udp,A,api.allowed.test"]
            if ipv6 { specs.append("dns,udp,AAAA,api.allowed.test") }
            specs += [
                "tcp,api.allowed.test,8080", "until,0,tcp,\(ten),8080", literal, "dns,udp,A,a.allowed.test",
                "tcp,a.allowed.test,8080", evil, apex, "tcp,allowed.test.evil.test,8080",
            ]
            if ipv6 { specs.append("tcp,\(v6ten),8080") }
            specs += blocked.map(\.1)
            let report = Self.probe(harness, Self.fenced(), specs)
            report.blocked(beforeAnswer, "the answered address before any answer")
            report.answered("dns,udp,A,api.allowed.test", rcode: "NOERROR", [ten], "the allowed name")
            report.reached("tcp,api.allowed.test,8080", tag: net.tag(ten, tcp: 8080), "the allowed name on its port")
            report.reached("until,0,tcp,\(ten),8080", tag: net.tag(ten, tcp: 8080), "the answered address")
            report.reached(literal, tag: net.tag(twelve, tcp: 8081), "a literal-address rule")
            report.answered("dns,udp,A,a.allowed.test", rcode: "NOERROR", [ten], "*.allowed.test admits a.allowed.test")
            report.reached("tcp,a.allowed.test,8080", tag: net.tag(ten, tcp: 8080), "a.allowed.test on its port")
            report.answered(evil, rcode: "REFUSED", "*.allowed.test must not admit allowed.test.evil.test")
            report.answered(apex, rcode: "REFUSED", "*.allowed.test must not admit allowed.test itself")
            report.blocked("tcp,allowed.test.evil.test,8080", "allowed.test.evil.test")
            if ipv6 {
                report.answered("dns,udp,AAAA,api.allowed.test", rcode: "NOERROR", [v6ten], "the allowed name, AAAA")
                report.reached("tcp,\(v6ten),8080", tag: net.tag(v6ten, tcp: 8080), "the answered IPv6 address")
            }
            for (what, spec, _) in blocked { report.blocked(spec, "fenced: \(what)") }
            #expect(!canary.saw("evil.test"), "allowed.test.evil.test reached the upstream: \(canary.queries)")
            #expect(!canary.queries.contains { $0.name == "allowed.test" }, "the apex reached the upstream")
        }

        /// (c) Pins follow the answers: the canary answers with TTL 1, pins last
        /// max(TTL, pin_seconds = 1) + pin_grace_seconds = 1; once the answer moved to another
        /// TEST-NET address and 4 s passed, the new address is reachable after resolving again and
        /// the old one is not. Before the change: the old address is reachable, the new one not.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func pinsExpireAndFollowAChangedAnswer(_ identity: Identity) throws {
            let (ten, eleven) = (TestNet.addresses[0], TestNet.addresses[1])
            let (harness, canary, world) = try Self.session(
                identity, ["ttl.allowed.test": [.a(ten, ttl: 1)]], settings: "pin_seconds = 1\npin_grace_seconds = 1\n")
            defer { withExtendedLifetime(canary) {} }
            let net = world.net
            let specs = [
                "dns,udp,A,ttl.allowed.test", "tcp,\(ten),8080", "tcp,\(eleven),8080", "touch,phase1", "wait,go,60",
                "sh,sleep 4", "dns,tcp,A,ttl.allowed.test", "until,0,tcp,\(eleven),8080", "until,0,tcp,\(ten),8080",
            ]
            let name = harness.name("ttl")
            let command = ["sh", "-c", "python3 probe.py \"$@\" > agent-probe.txt", "sh"] + specs
            let mino = try harness.spawnMino(["run", "-q", "-n", name] + Self.fenced() + ["--"] + command)
            let phase1 = Command.poll(timeout: 60) { harness.projectFile("phase1") != nil }
            try #require(phase1, "the agent never reached phase 1: \(mino.wait(timeout: 1))")
            try canary.set(["ttl.allowed.test": [.a(eleven, ttl: 1)]])
            try harness.writeProject("go", "")
            let result = mino.wait(timeout: 90)
            #expect(result.succeeded, "\(result)")
            let report = Self.agentReport(harness)
            report.answered(specs[0], rcode: "NOERROR", [ten], "first answer")
            report.reached(specs[1], tag: net.tag(ten, tcp: 8080), "the first answer, pinned")
            report.blocked(specs[2], "the future answer, before it was answered")
            report.answered(specs[6], rcode: "NOERROR", [eleven], "the changed answer")
            report.reached(specs[7], tag: net.tag(eleven, tcp: 8080), "the changed answer, pinned")
            report.blocked(specs[8], "the first answer, after its pin expired")
        }

        /// (c) Every answer keeps its address open for its own lifetime, not only the first: the
        /// canary answers with TTL 6 each time (as an authoritative server does), pins last
        /// max(TTL, pin_seconds = 6) + pin_grace_seconds = 0. The agent resolves at 0 s and again
        /// at 2 s, then connects at 7 s: the second answer is still valid (until 8 s), so the
        /// address must be open. Control: at 10 s, when both answers have expired, it is not.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func aLaterAnswerKeepsItsPinForItsWholeLifetime(_ identity: Identity) throws {
            let ten = TestNet.addresses[0]
            let (harness, canary, world) = try Self.session(
                identity, ["ttl.allowed.test": [.a(ten, ttl: 6)]], settings: "pin_seconds = 6\npin_grace_seconds = 0\n")
            defer { withExtendedLifetime(canary) {} }
            let specs = [
                "dns,udp,A,ttl.allowed.test", "sh,sleep 2", "dns,tcp,A,ttl.allowed.test", "sh,sleep 5",
                "tcp,\(ten),8080", "sh,sleep 3", "until,0,tcp,\(ten),8080",
            ]
            let report = Self.probe(harness, Self.fenced(), specs)
            report.answered(specs[0], rcode: "NOERROR", [ten], "the first answer")
            report.answered(specs[2], rcode: "NOERROR", [ten], "the second answer, 2 s later")
            report.reached(specs[4], tag: world.net.tag(ten, tcp: 8080), "7 s in: the second answer's lifetime")
            report.blocked(specs[6], "control: 10 s in, every answer expired")
        }

        /// (d) The rebinding guard: allowed names answered with 127.0.0.1, ::1, 169.254.169.254,
        /// an IPv4-mapped metadata address, a private address of the host, the host's own
        /// TEST-NET address and the bridge's gateway get REFUSED (the upstream was asked: the
        /// answer is what is refused) and open nothing; a mixed answer keeps only its public
        /// address. Controls: literal-address rules for the same host listener reach it, and an
        /// allowed name with a TEST-NET answer is answered.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func namesNeverOpenGuardedAddresses(_ identity: Identity) throws {
            let world = try PolicyDNSFixture.world(identity)
            let listener = try HostListener(address: "0.0.0.0", tag: "HOST-\(getpid())-\(identity)")
            defer { withExtendedLifetime(listener) {} }
            let port = listener.port
            let gateway = world.gateway
            let records: [String: [DNSCanary.Record]] = [
                "loop.rebind.test": [.a("127.0.0.1")], "loop6.rebind.test": [.aaaa("::1")],
                "meta.rebind.test": [.a("169.254.169.254")], "mapped.rebind.test": [.aaaa("::ffff:169.254.169.254")],
                "hostpriv.rebind.test": [.a(TestNet.hostPrivate)], "hostnet.rebind.test": [.a(TestNet.hostAddress)],
                "gw.rebind.test": [.a(gateway)],
                "mixed.rebind.test": [.a("127.0.0.1"), .a(TestNet.addresses[0])],
                "ok.rebind.test": [.a(TestNet.addresses[0])],
            ]
            let (harness, canary, _) = try Self.session(identity, records)
            defer { withExtendedLifetime(canary) {} }
            var rules = ["*.rebind.test:\(port)", "\(TestNet.hostPrivate):\(port)", "\(TestNet.hostAddress):\(port)"]
            // Rootful, the gateway is the host's bridge address and the host listener answers
            // there; rootless, it is in podman's rootless namespace, where nothing listens.
            let gatewayControl = identity == .root
            if gatewayControl { rules.append("\(gateway):\(port)") }
            let refused = [
                ("A", "loop.rebind.test"), ("AAAA", "loop6.rebind.test"), ("A", "meta.rebind.test"),
                ("AAAA", "mapped.rebind.test"), ("A", "hostpriv.rebind.test"), ("A", "hostnet.rebind.test"),
                ("A", "gw.rebind.test"),
            ]
            var connections = [
                ("tcp,hostpriv.rebind.test,\(port)", "tcp,\(TestNet.hostPrivate),\(port)"),
                ("tcp,hostnet.rebind.test,\(port)", "tcp,\(TestNet.hostAddress),\(port)"),
            ]
            if gatewayControl { connections.append(("tcp,gw.rebind.test,\(port)", "tcp,\(gateway),\(port)")) }
            let specs =
                refused.map { "dns,udp,\($0.0),\($0.1)" } + connections.flatMap { [$0.0, $0.1] } + [
                    "dns,udp,A,mixed.rebind.test", "dns,udp,A,ok.rebind.test",
                ]
            let name = harness.name("rebind")
            let report = Self.probe(harness, ["-n", name] + Self.fenced(rules), specs)
            for (type, host) in refused {
                report.answered("dns,udp,\(type),\(host)", rcode: "REFUSED", "\(host) (a guarded answer)")
                #expect(canary.saw(host), "control: \(host) was not forwarded upstream: \(canary.queries)")
            }
            for (byName, literal) in connections {
                report.blocked(byName, "a guarded address through a name")
                report.reached(literal, tag: listener.tag, "control: the literal-address rule")
            }
            report.answered("dns,udp,A,mixed.rebind.test", rcode: "NOERROR", [TestNet.addresses[0]], "a mixed answer")
            #expect(
                !report.answers("dns,udp,A,mixed.rebind.test").contains("127.0.0.1"), "the mixed answer kept 127.0.0.1")
            report.answered("dns,udp,A,ok.rebind.test", rcode: "NOERROR", [TestNet.addresses[0]], "control")

            let log = harness.mino(["logs", "--decisions", name, "--format", "json"])
            #expect(log.succeeded, "\(log)")
            let entries = PolicyDNSFixture.objects(log.stdout)
            for (type, host) in refused {
                let entry = entries.first { $0.string("name") == host && $0.string("type") == type }
                #expect(entry?.string("decision") == "deny", "\(host): \(entry ?? [:])")
                #expect(entry?.string("reason")?.hasPrefix("rebinding:") == true, "\(host): \(entry ?? [:])")
            }
        }

        /// (e) The agent reaches no resolver but mino's: not another one on a TEST-NET address
        /// (UDP, TCP), not the host's resolvers, not (rootful, where the network has one) the
        /// bridge's; the queries never arrive. It cannot change the fence: a raw nf_tables
        /// netlink "flush ruleset" fails from the agent and through `mino exec`, and afterwards
        /// blocked stays blocked and allowed stays allowed. Controls: an unfenced session reaches
        /// every one of those resolvers, and the same flush succeeds in a container holding
        /// NET_ADMIN.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func noOtherResolverAndNoChangeToTheFence(_ identity: Identity) throws {
            let (harness, canary, world) = try Self.session(identity)
            defer { withExtendedLifetime(canary) {} }
            let other = try #require(world.net.resolver)
            try harness.writeProject("nftflush.py", PolicyDNSFixture.flushScript)
            let mark = Self.label()
            // Each resolver and how it is asked: a DNS query over UDP and TCP to the TEST-NET
            // resolver; to the host's, a DNS query over UDP and a TCP connection to port 53 (what
            // answers TCP there need not speak DNS: on some hosts a proxy does); rootful, a UDP
            // query to the network's aardvark-dns on the gateway (it has no TCP in the versions
            // Debian ships).
            func queries(_ prefix: String) -> [String] {
                var specs = ["udp", "tcp"].map { "dns,\($0),A,\(prefix)-\(mark)-\($0).test,\(TestNet.resolverAddress)" }
                for server in PolicyDNSFixture.hostResolvers() {
                    specs += ["dns,udp,A,\(prefix)-\(mark)-host.test,\(server)", "connect,\(server),53"]
                }
                if identity == .root { specs.append("dns,udp,A,\(prefix)-\(mark)-gw.test,GATEWAY") }
                return specs
            }
            let control = Self.probe(harness, ["--network", "bridge"], queries("control"))
            for spec in queries("control") { control.reached(spec, "control: an unfenced session's query") }
            #expect(other.saw("control-\(mark)"), "control: the other resolver never saw a query: \(other.queries)")

            let flushControl = harness.podman([
                "run", "--rm", "--cap-add", "NET_ADMIN", Harness.image, "python3", "-c", PolicyDNSFixture.flushScript,
            ])
            #expect(flushControl.succeeded, "control: the flush needs only NET_ADMIN: \(flushControl)")

            let name = harness.name("fence")
            let flush = "sh,python3 nftflush.py"
            let after = [
                "dns,udp,A,api.allowed.test", "tcp,api.allowed.test,8080", "until,0,tcp,\(TestNet.addresses[1]),8080",
            ]
            let specs = queries("fenced") + [flush] + after
            let agent =
                "python3 probe.py \"$@\" > agent-probe.txt; touch started; trap 'exit 0' TERM; "
                + "while :; do sleep 1; done"
            let started = harness.mino(
                ["run", "-q", "-d", "-n", name] + Self.fenced() + ["--", "sh", "-c", agent, "sh"] + specs)
            try #require(started.succeeded, "\(started)")
            try #require(Command.poll(timeout: 60) { harness.projectFile("started") != nil }, "the agent never ran")
            let net = world.net
            let fromExec = ProbeReport(harness.mino(["exec", name, "--", "python3", "probe.py", flush] + after))
            for (source, report) in [("agent", Self.agentReport(harness)), ("exec", fromExec)] {
                if source == "agent" {
                    for spec in queries("fenced") { report.noAnswer(spec, "agent: another resolver") }
                }
                report.blocked(flush, "\(source): flushing the ruleset must fail")
                report.answered(after[0], rcode: "NOERROR", [TestNet.addresses[0]], "\(source), after the flush")
                report.reached(after[1], tag: net.tag(TestNet.addresses[0], tcp: 8080), "\(source), after the flush")
                report.blocked(after[2], "\(source): after the flush, still blocked")
            }
            #expect(!other.saw("fenced-\(mark)"), "a fenced query reached another resolver: \(other.queries)")
            #expect(harness.mino(["stop", name]).succeeded)
        }

        /// (f) Losing the supervisor fails closed: a detached session's `mino supervise` is
        /// killed with SIGKILL; the agent's resolver then answers nothing (UDP, TCP, glibc) and,
        /// once the short pins expired, the address it answered before is refused, while a
        /// literal-address rule still works (the network itself is alive). The next `mino list`
        /// removes the container and records the session as failed. Before the kill: the name
        /// resolves and its address is reachable.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func losingTheSupervisorFailsClosed(_ identity: Identity) throws {
            let ten = TestNet.addresses[0]
            let literal = "tcp,\(TestNet.addresses[2]),8081"
            let (harness, canary, world) = try Self.session(
                identity, ["api.allowed.test": [.a(ten, ttl: 1)], "a.allowed.test": [.a(ten, ttl: 1)]],
                settings: "pin_seconds = 1\npin_grace_seconds = 1\n")
            defer { withExtendedLifetime(canary) {} }
            let net = world.net
            let specs = [
                "dns,udp,A,api.allowed.test", "tcp,\(ten),8080", literal, "touch,phase1", "wait,go,60",
                "dns,udp,A,a.allowed.test", "dns,tcp,A,a.allowed.test", "resolve,a.allowed.test", "sh,sleep 3",
                "until,0,tcp,\(ten),8080", "until,0,\(literal)", "touch,phase2",
            ]
            let name = harness.name("failclosed")
            let agent = "python3 probe.py \"$@\" > agent-probe.txt; trap 'exit 0' TERM; while :; do sleep 1; done"
            let started = harness.mino(
                ["run", "-q", "-d", "-n", name] + Self.fenced() + ["--", "sh", "-c", agent, "sh"] + specs)
            try #require(started.succeeded, "\(started)")
            try #require(Command.poll(timeout: 60) { harness.projectFile("phase1") != nil }, "no phase 1")
            let record = try #require(harness.record(name))
            let owner = try #require(record.int("owner_pid"), "no owner_pid: \(record)")
            let commandLine = (try? String(contentsOfFile: "/proc/\(owner)/cmdline", encoding: .utf8)) ?? ""
            try #require(commandLine.contains("supervise"), "owner \(owner) is not the supervisor: \(commandLine)")
            kill(pid_t(owner), SIGKILL)
            let dead = Command.poll(timeout: 10) {
                let stat = (try? String(contentsOfFile: "/proc/\(owner)/stat", encoding: .utf8)) ?? ""
                return stat.isEmpty || stat.contains(") Z ")
            }
            #expect(dead, "the supervisor outlived SIGKILL")
            #expect(harness.containers(matching: name).count == 1, "control: the container runs on")
            try harness.writeProject("go", "")
            let done = Command.poll(timeout: 60) { harness.projectFile("phase2") != nil }
            try #require(done, "the agent never finished: \(harness.projectFile("agent-probe.txt") ?? "")")

            let report = Self.agentReport(harness)
            report.answered(specs[0], rcode: "NOERROR", [ten], "before the kill")
            report.reached(specs[1], tag: net.tag(ten, tcp: 8080), "before the kill, the answer's address")
            report.reached(literal, tag: net.tag(TestNet.addresses[2], tcp: 8081), "before the kill, a literal rule")
            report.noAnswer(specs[5], "after the kill: DNS over UDP")
            report.noAnswer(specs[6], "after the kill: DNS over TCP")
            report.noAnswer(specs[7], "after the kill: glibc")
            report.blocked(specs[9], "after the kill and the pin's expiry: the answered address")
            report.reached(specs[10], tag: net.tag(TestNet.addresses[2], tcp: 8081), "control: the literal rule")

            let list = harness.mino(["list", "-a"])
            #expect(list.succeeded, "\(list)")
            #expect(harness.containers(matching: name).isEmpty, "mino list left the orphaned container")
            let after = try #require(harness.record(name))
            #expect(after.string("status") == "failed", "\(after)")
        }

        /// (g) The decision log (`mino logs --decisions --format json`) records the allowed
        /// answer with its rule, origin, addresses and pins, the refused name, and the refused
        /// connection; never a value of the agent's environment. `mino list` shows the refusals
        /// in its DENIED column (and `denied_count` in JSON).
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func decisionLogAndDeniedCount(_ identity: Identity) throws {
            let (harness, canary, _) = try Self.session(identity)
            defer { withExtendedLifetime(canary) {} }
            let secret = "tok-" + Self.label()
            let label = Self.label()
            let eleven = TestNet.addresses[1]
            let name = harness.name("decisions")
            let specs = [
                "dns,udp,A,api.allowed.test", "tcp,api.allowed.test,8080", "dns,udp,A,\(label).exfil.test",
                "tcp,\(eleven),8080",
            ]
            let report = Self.probe(harness, ["-n", name, "-e", "MINO_IT_TOKEN=\(secret)"] + Self.fenced(), specs)
            report.answered(specs[0], rcode: "NOERROR", [TestNet.addresses[0]], "allowed")
            report.reached(specs[1], tag: "tcp8080", "allowed")
            report.answered(specs[2], rcode: "REFUSED", "denied name")
            report.blocked(specs[3], "denied address")

            let log = harness.mino(["logs", "--decisions", name, "--format", "json"])
            #expect(log.succeeded, "\(log)")
            let entries = PolicyDNSFixture.objects(log.stdout)
            let allow = entries.first {
                $0.string("kind") == "dns" && $0.string("name") == "api.allowed.test" && $0.string("type") == "A"
            }
            #expect(allow?.string("decision") == "allow", "\(log.stdout)")
            #expect(allow?.string("rule") == "*.allowed.test:8080", "\(allow ?? [:])")
            #expect(allow?.string("origin")?.isEmpty == false, "\(allow ?? [:])")
            #expect((allow?["answers"] as? [String]) == [TestNet.addresses[0]], "\(allow ?? [:])")
            #expect((allow?["pinned"] as? [String]) == ["\(TestNet.addresses[0]):8080"], "\(allow ?? [:])")
            let deny = entries.first { $0.string("kind") == "dns" && $0.string("name") == "\(label).exfil.test" }
            #expect(deny?.string("decision") == "deny" && deny?.string("reason") == "no-rule", "\(log.stdout)")
            let refused = entries.first { $0.string("kind") == "connection" && $0.string("destination") == eleven }
            // A connection record is a refusal by its kind: the fence counted it before rejecting.
            #expect(refused != nil, "no refused connection to \(eleven): \(log.stdout)")
            #expect(refused?.int("port") == 8080 && refused?.string("protocol") == "tcp", "\(refused ?? [:])")
            #expect(!log.output.contains(secret), "the agent's environment reached the decision log")
            let file =
                (try? String(contentsOfFile: harness.state + "/mino/sessions/\(name).decisions.jsonl", encoding: .utf8))
                ?? ""
            #expect(file.contains("api.allowed.test"), "control: the decision log file is elsewhere")
            #expect(!file.contains(secret), "the agent's environment reached the decision log file")

            let json = harness.sessions().first { $0.string("name") == name }
            let count = json?.int("denied_count") ?? 0
            #expect(count >= 2, "denied_count: \(json ?? [:])")
            let table = harness.mino(["list", "-a"])
            #expect(table.succeeded, "\(table)")
            let header = try #require(table.lines.first { $0.hasPrefix("NAME") }, "\(table)")
            let row = try #require(table.lines.first { $0.hasPrefix(name) }, "\(table)")
            let column = try #require(header.range(of: "DENIED"), "no DENIED column: \(table)")
            let offset = header.distance(from: header.startIndex, to: column.lowerBound)
            let cell = row.dropFirst(offset).prefix(6).trimmingCharacters(in: .whitespaces)
            #expect(Int(cell) == count && count > 0, "DENIED shows `\(cell)`, denied_count is \(count)\n\(table)")
        }

        /// (h) `mino policy query` against a project `.mino.toml`: exact, wildcard and literal
        /// rules answer allowed with the rule and where it was written (exit 0); another port,
        /// the wildcard's own domain, a name merely containing it, an unlisted address and an
        /// unlisted name answer denied (exit 1).
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func policyQueryAnswersFromTheProjectConfig(_ identity: Identity) throws {
            let harness = try Harness(identity)
            try harness.writeProject(
                ".mino.toml",
                "[container]\nnetwork_allow = [\"exact.test:443\", \"*.wild.test:443\", \"198.51.100.12:8081\"]\n")
            let allowed = [
                ("exact.test:443", "exact.test:443 (.mino.toml:2:18)"),
                ("a.wild.test:443", "*.wild.test:443 (.mino.toml:2:36)"),
                ("deep.a.wild.test", "*.wild.test:443 (.mino.toml:2:36)"),
                ("198.51.100.12:8081", "198.51.100.12:8081 (.mino.toml:2:55)"),
            ]
            for (destination, rule) in allowed {
                let result = harness.mino(["policy", "query", destination])
                #expect(result.status == 0, "\(result)")
                #expect(result.stdout.contains("allowed") && result.stdout.contains(rule), "\(result)")
            }
            for destination in [
                "exact.test:80", "wild.test:443", "wild.test.evil.test:443", "198.51.100.11:8081", "198.51.100.12:8080",
                "other.test",
            ] {
                let result = harness.mino(["policy", "query", destination])
                #expect(result.status == 1, "\(result)")
                #expect(result.stdout.hasPrefix("denied"), "\(result)")
            }
            let json = harness.mino(["policy", "query", "--format", "json", "a.wild.test:443"])
            #expect(json.status == 0, "\(json)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["decision"] as? String == "allowed", "\(json)")
            let rules = object?["rules"] as? [[String: Any]] ?? []
            #expect(rules.first?["from"] as? String == ".mino.toml:2:36", "\(json)")
            #expect(rules.first?["match"] as? String == "wildcard", "\(json)")
        }
    }
}

/// The world of the policy DNS suite: one `TestNet` for the suite and, rootful, a dual-stack
/// podman network (made podman's default, so `--network bridge` joins it) so sessions have an
/// IPv6 route to the test hosts.
final class PolicyDNSFixture: @unchecked Sendable {
    struct World {
        let net: TestNet
        /// The podman network sessions join (`nil`: podman's default).
        let network: String?
        /// The bridge's gateway as the container sees it.
        let gateway: String
        /// Whether sessions reach the test hosts over IPv6 and ICMP.
        let ipv6: Bool
    }

    @TaskLocal static var current: PolicyDNSFixture?

    let net: TestNet
    private var owners: [Harness] = []
    private(set) var worlds: [Identity: World] = [:]

    init() throws {
        net = try TestNet(tag: "T\(getpid())")
        do {
            for identity in Identity.allCases {
                let owner = try Harness(identity)
                owners.append(owner)
                var network: String? = nil
                var inspected = "podman"
                if identity == .root {
                    let name = "mino-" + owner.prefix
                    try owner.createNetwork(name, ipv6: true)
                    network = name
                    inspected = name
                }
                let gateways = owner.podman([
                    "network", "inspect", inspected, "--format", "{{range .Subnets}}{{.Gateway}} {{end}}",
                ])
                let gateway = gateways.stdout.split(separator: " ").map(String.init).first { !$0.contains(":") }
                guard let gateway else { throw HarnessError("no IPv4 gateway on \(inspected): \(gateways)") }
                worlds[identity] = World(net: net, network: network, gateway: gateway, ipv6: identity == .root)
            }
        } catch {
            cleanUp()
            throw error
        }
    }

    static func world(_ identity: Identity) throws -> World {
        guard let fixture = current else { throw HarnessError("the suite lacks the .policyDNSFixture trait") }
        guard let world = fixture.worlds[identity] else { throw HarnessError("no policy DNS world for \(identity)") }
        return world
    }

    func cleanUp() {
        for owner in owners { owner.cleanUp() }
        owners = []
        worlds = [:]
        net.cleanUp()
    }

    /// The host's IPv4 resolvers a container could reach (not loopback ones).
    static func hostResolvers() -> [String] {
        let text = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0] == "nameserver", !fields[1].contains(":"), !fields[1].hasPrefix("127.")
            else { return nil }
            return String(fields[1])
        }
    }

    /// JSON Lines, parsed.
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// `nft flush ruleset` without nft (the test image has none): one nf_tables netlink batch
    /// deleting every table of every family. Exit 0 when the kernel acknowledged it; a
    /// PermissionError (exit 1) when it refused.
    static let flushScript = #"""
        import os, socket, struct, sys
        NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES = 12, 10
        def message(kind, flags, seq, family, resource):
            body = struct.pack("BBH", family, 0, socket.htons(resource))
            return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        s.bind((0, 0))
        batch = message(0x10, 1, 1, 0, NFNL_SUBSYS_NFTABLES)
        batch += message((NFNL_SUBSYS_NFTABLES << 8) | 2, 1 | 4, 2, 0, 0)
        batch += message(0x11, 1, 3, 0, NFNL_SUBSYS_NFTABLES)
        s.sendto(batch, (0, 0))
        s.settimeout(3)
        reply = s.recv(65536)
        while reply:
            length, kind = struct.unpack("=IH", reply[:6])
            if kind == 2:
                error = struct.unpack("=i", reply[16:20])[0]
                if error != 0:
                    raise PermissionError("netlink error %d (%s)" % (error, os.strerror(-error)))
                print("flushed")
                sys.exit(0)
            reply = reply[(length + 3) & ~3:]
        raise RuntimeError("no acknowledgement")
        """#
}

/// Creates the `PolicyDNSFixture` around a suite.
struct PolicyDNSFixtureTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard IntegrationGate.isEnabled else { return try await function() }
        let fixture = try PolicyDNSFixture()
        defer { fixture.cleanUp() }
        try await PolicyDNSFixture.$current.withValue(fixture) { try await function() }
    }
}

extension Trait where Self == PolicyDNSFixtureTrait {
    /// Test hosts on TEST-NET in a namespace of their own, and rootful a dual-stack network.
    static var policyDNSFixture: Self { Self() }
}
