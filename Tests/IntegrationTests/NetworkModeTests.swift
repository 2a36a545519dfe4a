import Foundation
import Testing

extension Integration.NetworkFence {
    /// `--network none`: no interface but loopback, and the listener that a bridge session
    /// reaches (control) is unreachable.
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
    func networkNoneHasOnlyLoopback(_ identity: Identity) throws {
        let world = try NetworkFixture.world(identity)
        let harness = try Harness(identity, network: world.network)
        let specs = ["sh,test \"$(ls /sys/class/net)\" = lo", "tcp,\(world.a.ipv4),8080", "tcp,\(world.a.ipv6),8080"]
        let control = Self.probe(harness, ["--network", "bridge"], specs)
        control.blocked(specs[0], "control: a bridge session has more than loopback")
        control.reached(specs[1], tag: world.a.tag, "control")
        control.reached(specs[2], tag: world.a.tag, "control over IPv6")
        let none = Self.probe(harness, ["--network", "none"], specs)
        none.reached(specs[0], "--network none: only lo")
        none.blocked(specs[1], "--network none")
        none.blocked(specs[2], "--network none, IPv6")
    }

    /// `bridge` (podman's default network, as users get it) cannot reach a service bound to
    /// the host's 127.0.0.1: not through the container's own loopback, the gateway, slirp's
    /// host alias or the host's addresses. Controls: the host reaches the service itself, and
    /// the same kind of service bound to all addresses is reachable from the container through
    /// the host's address, so the paths tried do lead to the host.
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
    func bridgeCannotReachTheHostsLoopback(_ identity: Identity) throws {
        let harness = try Harness(identity)
        let loopback = try HostListener(address: "127.0.0.1", tag: "HOST-LOOPBACK-\(harness.prefix)")
        let everywhere = try HostListener(address: "0.0.0.0", tag: "HOST-ALL-\(harness.prefix)")
        // The host's own addresses, not those of podman's bridges (inside the rootless network
        // namespace the same addresses belong to other bridges).
        let hostAddresses = Command.shell(
            "ip -4 -o addr show scope global | awk '$2 !~ /^(podman|cni|veth)/ {print $4}' | cut -d/ -f1"
        ).lines
        try #require(!hostAddresses.isEmpty, "the host has no global IPv4 address")

        #expect(loopback.connectFromHost(), "control: the host cannot reach its own loopback service")
        let targets =
            ["127.0.0.1", "GATEWAY", "10.0.2.2", "host.containers.internal"] + hostAddresses
        let specs =
            targets.map { "tcp,\($0),\(loopback.port)" } + hostAddresses.map { "tcp,\($0),\(everywhere.port)" }
        let report = Self.probe(harness, ["--network", "bridge"], specs)
        for target in targets {
            report.blocked("tcp,\(target),\(loopback.port)", "bridge to the host's loopback service via \(target)")
        }
        for address in hostAddresses {
            report.reached("tcp,\(address),\(everywhere.port)", tag: everywhere.tag, "control via \(address)")
        }
    }

    /// An allowed name whose address changes (driven through /etc/hosts, restored after) is
    /// reachable at its new address once the fence is refreshed, and no longer at the old one.
    /// Before the change: the old address is reachable (control) and the new one is blocked.
    /// The netns applier only: the wrapper loads its rules once, inside the container.
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases, [false, true])
    func refreshFollowsAnAllowedName(_ identity: Identity, _ detached: Bool) throws {
        let world = try NetworkFixture.world(identity)
        let (a, b) = (world.a, world.b)
        let harness = try Harness(identity, network: world.network)
        harness.environment["MINO_DNS_REFRESH_SECONDS"] = "2"
        let host = "refresh-\(harness.prefix).mino.test"
        let hosts = try HostsFile()
        defer { hosts.restore() }
        try hosts.set(host, a.ipv4)

        let specs = [
            "tcp,\(a.ipv4),8080", "tcp,\(b.ipv4),8080", "touch,phase1", "wait,go,60", "until,20,tcp,\(b.ipv4),8080",
            "until,1,tcp,\(a.ipv4),8080",
        ]
        let name = harness.name("refresh")
        let command = ["sh", "-c", "python3 probe.py \"$@\" > agent-probe.txt", "sh"] + specs
        let mino = try harness.spawnMino(
            ["run", "-q", "-n", name] + (detached ? ["-d"] : []) + ["--network-allow", "\(host):8080", "--"] + command)
        let phase1 = Command.poll(timeout: 60) { harness.projectFile("phase1") != nil }
        try #require(phase1, "the agent never reached phase 1: \(mino.wait(timeout: 1))")
        try hosts.set(host, b.ipv4)
        try harness.writeProject("go", "")
        let ended = Command.poll(timeout: 90) {
            harness.record(name).map { $0.string("status") != "running" && $0.string("status") != "starting" } ?? false
        }
        let result = mino.wait(timeout: 30)
        #expect(ended && result.status == 0, "\(result)")
        let report = ProbeReport(
            CommandResult(
                status: 0, stdout: harness.projectFile("agent-probe.txt") ?? "", stderr: "", timedOut: false,
                argv: ["agent"]))
        report.reached(specs[0], tag: a.tag, "before the change: the name's address")
        report.blocked(specs[1], "before the change: the future address")
        report.reached(specs[4], tag: b.tag, "after the refresh: the new address")
        report.blocked(specs[5], "after the refresh: the old address")
        let audit = harness.auditLog
        #expect(audit.contains("\"network.fence.refreshed\""), "no refresh in the audit log:\n\(audit)")
        #expect(!audit.contains("\"network.fence.refresh-failed\""), "a refresh failed:\n\(audit)")
    }
}

extension Integration.NetworkFence {
    /// A refresh that fails (the fence tool fails once: a stand-in `iptables-restore` first
    /// in PATH refuses while a marker file exists) is tried again at the next interval, so
    /// the session does not stay fenced to an address its allowed name no longer has.
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
    func failedRefreshIsRetried(_ identity: Identity) throws {
        let world = try NetworkFixture.world(identity)
        let (a, b) = (world.a, world.b)
        let harness = try Harness(identity, network: world.network)
        let bin = harness.base + "/bin"
        let marker = harness.base + "/fence-fails"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let candidates = ["/usr/sbin/iptables-restore", "/sbin/iptables-restore"]
        let real = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let stand = bin + "/iptables-restore"
        try "#!/bin/sh\n[ -e '\(marker)' ] && exit 1\nexec \(real) \"$@\"\n".write(
            toFile: stand, atomically: true, encoding: .utf8)
        chmod(stand, 0o755)
        harness.environment["PATH"] = bin + ":" + Command.path
        harness.environment["MINO_DNS_REFRESH_SECONDS"] = "2"
        let host = "retry-\(harness.prefix).mino.test"
        let hosts = try HostsFile()
        defer { hosts.restore() }
        try hosts.set(host, a.ipv4)

        let specs = ["tcp,\(a.ipv4),8080", "touch,phase1", "wait,go,60", "until,20,tcp,\(b.ipv4),8080"]
        let name = harness.name("retry")
        let command = ["sh", "-c", "python3 probe.py \"$@\" > agent-probe.txt", "sh"] + specs
        let mino = try harness.spawnMino(["run", "-q", "-n", name, "--network-allow", "\(host):8080", "--"] + command)
        let phase1 = Command.poll(timeout: 60) { harness.projectFile("phase1") != nil }
        try #require(phase1, "the agent never reached phase 1: \(mino.wait(timeout: 1))")
        try Data().write(to: URL(fileURLWithPath: marker))
        try hosts.set(host, b.ipv4)
        let failed = Command.poll(timeout: 15) { harness.auditLog.contains("\"network.fence.refresh-failed\"") }
        unlink(marker)
        try harness.writeProject("go", "")
        let result = mino.wait(timeout: 60)
        #expect(failed, "control: the stand-in tool did not make a refresh fail\n\(harness.auditLog)")
        #expect(result.status == 0, "\(result)")
        let report = ProbeReport(
            CommandResult(
                status: 0, stdout: harness.projectFile("agent-probe.txt") ?? "", stderr: "", timedOut: false,
                argv: ["agent"]))
        report.reached(specs[0], tag: a.tag, "before the change")
        report.reached(specs[3], tag: b.tag, "after a failed refresh and the retry: the new address")
    }
}

/// A TCP service on the host (python3), answering `HELLO <tag>`, stopped on deinit.
final class HostListener {
    let tag: String
    let address: String
    let port: Int
    private let process: Background

    init(address: String, tag: String) throws {
        self.tag = tag
        self.address = address
        let script = """
            import socket, sys
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((sys.argv[1], 0))
            s.listen(16)
            print(s.getsockname()[1], flush=True)
            while True:
                c, _ = s.accept()
                c.sendall(("HELLO %s\\n" % sys.argv[2]).encode())
                c.close()
            """
        let portFile = NSTemporaryDirectory() + "mino-it-port-\(UUID().uuidString)"
        process = try Background(
            ["/bin/sh", "-c", "exec python3 -c \"$1\" \"$2\" \"$3\" > \"$4\"", "sh", script, address, tag, portFile],
            environment: ["PATH": Command.path], directory: "/")
        defer { unlink(portFile) }
        var port = 0
        _ = Command.poll(timeout: 10) {
            port =
                Int(
                    (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(
                        in: .whitespacesAndNewlines) ?? "") ?? 0
            return port > 0
        }
        guard port > 0 else { throw HarnessError("the host listener on \(address) did not start") }
        self.port = port
    }

    /// Whether the host itself gets the greeting.
    func connectFromHost() -> Bool {
        let target = address == "0.0.0.0" ? "127.0.0.1" : address
        let script = "import socket; print(socket.create_connection((\"\(target)\", \(port)), 3).recv(100).decode())"
        return Command.run(["/usr/bin/python3", "-c", script], timeout: 10).stdout.contains(tag)
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.wait(timeout: 5)
    }
}

/// Edits /etc/hosts (as root) and puts the original content back.
final class HostsFile {
    static let path = "/etc/hosts"
    private let original: String
    private var restored = false

    init() throws {
        original = try String(contentsOfFile: Self.path, encoding: .utf8)
    }

    /// Maps `name` to `address` (one line at the end, replaced on each call).
    func set(_ name: String, _ address: String) throws {
        let kept = original.hasSuffix("\n") || original.isEmpty ? original : original + "\n"
        try (kept + "\(address) \(name) # mino integration test\n").write(
            toFile: Self.path, atomically: false, encoding: .utf8)
    }

    func restore() {
        guard !restored else { return }
        restored = (try? original.write(toFile: Self.path, atomically: false, encoding: .utf8)) != nil
    }

    deinit { restore() }
}
