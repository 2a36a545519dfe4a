import Foundation
import Testing

/// A listener container: python3 in the test image answering `HELLO <tag> tcp<port>` on TCP
/// 8080, 8081 and 53, and `HELLO <tag> udp<port>` on UDP 53 and 5353, on IPv4 and IPv6.
struct Listener: Sendable {
    let tag: String
    let container: String
    let ipv4: String
    let ipv6: String

    static let tcpPorts = [8080, 8081, 53]
    static let udpPorts = [53, 5353]

    static let script = #"""
        import socket, sys, threading
        tag = sys.argv[1]
        def serve(kind, port):
            s = socket.socket(socket.AF_INET6, kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", port))
            if kind == socket.SOCK_STREAM:
                s.listen(64)
                while True:
                    connection, _ = s.accept()
                    connection.sendall(("HELLO %s tcp%d\n" % (tag, port)).encode())
                    connection.close()
            else:
                while True:
                    _, peer = s.recvfrom(512)
                    s.sendto(("HELLO %s udp%d\n" % (tag, port)).encode(), peer)
        threads = [threading.Thread(target=serve, args=(socket.SOCK_STREAM, p), daemon=True) for p in (8080, 8081, 53)]
        threads += [threading.Thread(target=serve, args=(socket.SOCK_DGRAM, p), daemon=True) for p in (53, 5353)]
        for thread in threads:
            thread.start()
        print("READY", flush=True)
        threading.Event().wait()
        """#

    /// Starts a listener on `network` as the harness's identity and waits until it answers.
    static func start(_ harness: Harness, tag: String, network: String) throws -> Listener {
        let container = harness.name("listener-" + tag)
        let started = harness.podman([
            "run", "-d", "--rm", "--name", container, "--network", network, Harness.image, "python3", "-c", script, tag,
        ])
        guard started.succeeded else { throw HarnessError("listener \(tag) did not start: \(started)") }
        let ready = Command.poll(timeout: 30) {
            harness.podman(["logs", container]).output.contains("READY")
        }
        guard ready else { throw HarnessError("listener \(tag) never became ready") }
        let format = "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.GlobalIPv6Address}}{{end}}"
        let fields = harness.podman(["inspect", "-f", format, container]).stdout.split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
            throw HarnessError("listener \(tag) has no IPv4 and IPv6 address: \(fields)")
        }
        return Listener(tag: tag, container: container, ipv4: fields[0], ipv6: fields[1])
    }
}

/// The network world of the network suites, per identity: a dual-stack podman network with DNS
/// (aardvark) that the harness makes podman's default (so `--network bridge` joins it), and two
/// listener containers on it, A and B. Created once for the suite and removed after it.
final class NetworkFixture: @unchecked Sendable {
    struct World {
        let harness: Harness
        let network: String
        let a: Listener
        let b: Listener
    }

    @TaskLocal static var current: NetworkFixture?

    private(set) var worlds: [Identity: World] = [:]

    init() throws {
        do {
            for identity in Identity.allCases {
                let harness = try Harness(identity)
                let network = "mino-" + harness.prefix
                try harness.createNetwork(network, ipv6: true)
                worlds[identity] = World(
                    harness: harness, network: network,
                    a: try Listener.start(harness, tag: "A-\(harness.prefix)", network: network),
                    b: try Listener.start(harness, tag: "B-\(harness.prefix)", network: network))
            }
        } catch {
            cleanUp()
            throw error
        }
    }

    func world(_ identity: Identity) throws -> World {
        guard let world = worlds[identity] else { throw HarnessError("no network fixture for \(identity)") }
        return world
    }

    /// The fixture of the running suite.
    static func world(_ identity: Identity) throws -> World {
        guard let fixture = current else { throw HarnessError("the suite lacks the .networkFixture trait") }
        return try fixture.world(identity)
    }

    func cleanUp() {
        for world in worlds.values { world.harness.cleanUp() }
        worlds = [:]
    }
}

/// Creates the `NetworkFixture` around a suite.
struct NetworkFixtureTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard IntegrationGate.isEnabled else { return try await function() }
        let fixture = try NetworkFixture()
        defer { fixture.cleanUp() }
        try await NetworkFixture.$current.withValue(fixture) { try await function() }
    }
}

extension Trait where Self == NetworkFixtureTrait {
    /// Listener containers on a dual-stack network, for rootless and rootful podman.
    static var networkFixture: Self { Self() }
}
