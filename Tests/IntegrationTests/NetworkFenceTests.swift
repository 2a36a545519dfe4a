import Foundation
import Testing

extension Integration {
    /// The allowlist fence, with both appliers, rootless and rootful. Every peer is a listener
    /// container of the fixture on a dual-stack podman network; every "blocked" probe is
    /// paired with the same probe from an unfenced session (`--network bridge`) that must
    /// reach the same listener — a block proves nothing without its control.
    @Suite(.networkFixture) struct NetworkFence {
        static func probe(_ harness: Harness, _ options: [String], _ specs: [String]) -> ProbeReport {
            ProbeReport(harness.run(options, ["python3", "probe.py"] + specs))
        }

        /// Allowed host:port reachable; another port of the same host, another host, IPv6,
        /// ICMP (v4 and v6) and DNS over UDP and TCP to a resolver other than the container's
        /// are blocked. DNS: with the netns applier the session's only resolver is mino's
        /// (127.0.0.1 in the sandbox), which refuses every name outside the policy, so the
        /// network's own resolver (aardvark on the gateway) is unreachable and another
        /// container's name does not resolve; the wrapper applier has no policy DNS and still
        /// lets the agent ask the container's own resolver for any name (see
        /// `wrapperPlanSaysWhatItLacks`).
        @Test(
            .enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases, Applier.allCases)
        func onlyTheAllowlistIsReachable(_ identity: Identity, _ applier: Applier) throws {
            let world = try NetworkFixture.world(identity)
            let (a, b) = (world.a, world.b)
            let harness = try Harness(identity, applier: applier, network: world.network)
            let allowed = "tcp,\(a.ipv4),8080"
            // What is blocked, the probe, and who answers it without the fence.
            let blocked: [(String, String, String?)] = [
                ("another port of the allowed host", "tcp,\(a.ipv4),8081", a.tag),
                ("another host", "tcp,\(b.ipv4),8080", b.tag),
                ("the allowed host over IPv6", "tcp,\(a.ipv6),8080", a.tag),
                ("ICMP echo", "icmp,\(a.ipv4)", nil),
                ("ICMPv6 echo", "icmp,\(a.ipv6)", nil),
                ("DNS over UDP to another resolver", "udp,\(a.ipv4),53", a.tag),
                ("DNS over TCP to another resolver", "tcp,\(a.ipv4),53", a.tag),
                ("UDP to another port", "udp,\(a.ipv4),5353", a.tag),
            ]
            let resolve = "resolve,\(b.container)"
            // A query straight to the network's resolver (aardvark-dns on the gateway; UDP, as
            // the aardvark-dns Debian ships has no TCP).
            let ownResolver = "dns,udp,A,\(b.container),GATEWAY"
            let specs = [allowed] + blocked.map(\.1) + [resolve, ownResolver]

            let control = Self.probe(harness, ["--network", "bridge"], specs)
            control.reached(allowed, tag: a.tag, "control")
            for (what, spec, tag) in blocked { control.reached(spec, tag: tag, "control (\(what))") }
            control.reached(resolve, tag: b.ipv4, "control (the network's DNS)")
            control.answered(ownResolver, rcode: "NOERROR", [b.ipv4], "control (the network's resolver, directly)")

            let fenced = Self.probe(harness, ["--network-allow", "\(a.ipv4):8080"], specs)
            fenced.reached(allowed, tag: a.tag, "fenced, allowed")
            for (what, spec, _) in blocked { fenced.blocked(spec, "fenced: \(what)") }
            switch applier {
            case .netns:
                fenced.blocked(resolve, "fenced (netns): a name outside the policy through mino's resolver")
                fenced.noAnswer(ownResolver, "fenced (netns): DNS to the network's own resolver")
            case .wrapper:
                // The wrapper's fence admits DNS to the resolvers in the container's resolv.conf.
                fenced.reached(resolve, tag: b.ipv4, "fenced (wrapper): DNS to the container's own resolver")
                fenced.answered(ownResolver, rcode: "NOERROR", [b.ipv4], "fenced (wrapper): the network's resolver")
            }
        }

        /// The wrapper applier has no policy DNS (any name resolves through the container's own
        /// resolver, answers are not pinned and the rebinding guard does not apply), so its plan
        /// must say so rather than downgrade silently: the elements the netns plan enforces for
        /// policy DNS (control: at kernel level) appear in the wrapper's plan below kernel level.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func wrapperPlanSaysWhatItLacks(_ identity: Identity) throws {
            let world = try NetworkFixture.world(identity)
            let elements = ["network.pinning", "network.rebinding-guard"]
            for applier in Applier.allCases {
                let harness = try Harness(identity, applier: applier, network: world.network)
                let plan = harness.mino([
                    "plan", "--format", "json", "--network-allow", "\(world.a.ipv4):8080", "--", "true",
                ])
                try #require(plan.succeeded, "\(plan)")
                let object = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
                let reports = object?["enforcement"] as? [[String: Any]] ?? []
                let network = reports.filter { ($0["element"] as? String)?.hasPrefix("network.") == true }
                for element in elements {
                    let level = reports.first { $0["element"] as? String == element }?["level"] as? String
                    switch applier {
                    case .netns:
                        #expect(level == "kernel", "control: netns plan, \(element): \(network)")
                    case .wrapper:
                        #expect(
                            level != nil && level != "kernel",
                            "the wrapper's plan does not say it lacks \(element) (a silent downgrade): \(network)")
                    }
                }
            }
        }

        /// `iptables -F`, `iptables -P OUTPUT ACCEPT` and the IPv6 equivalents fail from the
        /// agent and from `mino exec`, and the fence holds afterwards (blocked stays blocked,
        /// allowed stays allowed). An exec'd process holds no capability, in wrapper mode too.
        @Test(
            .enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases, Applier.allCases)
        func nothingInsideCanLowerTheFence(_ identity: Identity, _ applier: Applier) throws {
            let world = try NetworkFixture.world(identity)
            let a = world.a
            let harness = try Harness(identity, applier: applier, network: world.network)
            let name = harness.name("tamper")
            let tamper = [
                "sh,iptables -F", "sh,iptables -P OUTPUT ACCEPT", "sh,ip6tables -F", "sh,ip6tables -P OUTPUT ACCEPT",
            ]
            let allowed = "tcp,\(a.ipv4),8080"
            let before = "tcp,\(a.ipv4),8081"
            let blocked = "until,1,tcp,\(a.ipv4),8081"  // the same probe, after the tampering
            let specs = [before] + tamper + [allowed, blocked]
            let agent =
                "python3 probe.py \"$@\" > agent-probe.txt; touch started; trap 'exit 0' TERM; "
                + "while :; do sleep 1; done"
            let started = harness.mino(
                ["run", "-q", "-d", "-n", name, "--network-allow", "\(a.ipv4):8080", "--", "sh", "-c", agent, "sh"]
                    + specs)
            try #require(started.succeeded, "\(started)")
            try #require(Command.poll(timeout: 60) { harness.projectFile("started") != nil }, "the agent never ran")
            let fromAgent = ProbeReport(
                CommandResult(
                    status: 0, stdout: harness.projectFile("agent-probe.txt") ?? "", stderr: "", timedOut: false,
                    argv: ["agent"]))
            fromAgent.blocked(before, "agent, before tampering")
            for spec in tamper { fromAgent.blocked(spec, "agent: the command must fail") }
            fromAgent.reached(allowed, tag: a.tag, "agent, after tampering: allowed")
            fromAgent.blocked(blocked, "agent, after tampering: still blocked")

            let fromExec = ProbeReport(harness.mino(["exec", name, "--", "python3", "probe.py"] + specs))
            for spec in tamper { fromExec.blocked(spec, "exec: the command must fail") }
            fromExec.reached(allowed, tag: a.tag, "exec, after tampering: allowed")
            fromExec.blocked(blocked, "exec, after tampering: still blocked")

            let status = harness.mino(["exec", name, "--", "grep", "^Cap", "/proc/self/status"])
            #expect(status.succeeded, "\(status)")
            let sets = status.lines.filter { $0.hasPrefix("Cap") }
            #expect(sets.count == 5, "\(status)")
            for line in sets { #expect(line.hasSuffix("0000000000000000"), "exec'd process holds \(line)") }
            let uid = harness.mino(["exec", name, "--", "id", "-u"])
            #expect(uid.lines == ["\(identity.ids.uid)"], "exec runs as \(uid.stdout)")
            #expect(harness.mino(["stop", name]).succeeded)
        }
    }
}
