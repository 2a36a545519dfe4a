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
