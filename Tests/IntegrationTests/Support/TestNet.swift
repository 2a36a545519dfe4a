import Foundation
import Testing

/// Test hosts on TEST-NET (198.51.100.0/24, 2001:db8:51::/64), outside every range the rebinding
/// guard refuses: a network namespace the test creates (as root), joined to the host by a veth
/// pair, holding a few addresses with python3 listeners on them. The host routes the subnets to
/// the veth, so a container reaches them through podman's bridge (rootful: host routing and
/// netavark's masquerade; rootless: slirp4netns's sockets on the host).
///
/// Every listener answers `HELLO <tag>@<its address> tcp<port>` on TCP 8080 and 8081 and
/// `HELLO <tag>@<its address> udp5353` on UDP 5353, so a probe names the address that answered.
/// A DNS canary (`resolver`) answers on 198.51.100.53 port 53, UDP and TCP: a resolver other
/// than mino's that the agent must not reach.
///
/// The host side of the veth also holds 10.199.51.1/32: a private address of the host.
final class TestNet {
    static let hostAddress = "198.51.100.1"
    static let hostIPv6 = "2001:db8:51::1"
    /// A private address of the host (on the host's side of the veth).
    static let hostPrivate = "10.199.51.1"
    /// The listeners' addresses.
    static let addresses = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]
    static let ipv6Addresses = ["2001:db8:51::10", "2001:db8:51::11"]
    /// The other resolver's address.
    static let resolverAddress = "198.51.100.53"
    static let tcpPorts = [8080, 8081]
    static let udpPort = 5353

    static let listenerScript = #"""
        import socket, sys, threading
        tag, addresses = sys.argv[1], sys.argv[2:]
        def serve(address, kind, port):
            s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address, port))
            if kind == socket.SOCK_STREAM:
                s.listen(64)
                while True:
                    c, _ = s.accept()
                    try:
                        c.sendall(("HELLO %s@%s tcp%d\n" % (tag, address, port)).encode())
                    except OSError:
                        pass
                    c.close()
            else:
                while True:
                    _, peer = s.recvfrom(512)
                    s.sendto(("HELLO %s@%s udp%d\n" % (tag, address, port)).encode(), peer)
        for address in addresses:
            for port in (8080, 8081):
                threading.Thread(target=serve, args=(address, socket.SOCK_STREAM, port), daemon=True).start()
            threading.Thread(target=serve, args=(address, socket.SOCK_DGRAM, 5353), daemon=True).start()
        print("READY", flush=True)
        threading.Event().wait()
        """#

    private static let counter = Counter()

    let tag: String
    let namespace: String
    let hostInterface: String
    private let innerInterface: String
    private var listener: Background?
    /// The other resolver, in the namespace.
    private(set) var resolver: DNSCanary?
    private var cleaned = false

    /// Creates the namespace, the veth pair, the addresses and routes, and starts the listeners.
    /// - Throws: `HarnessError` when a step fails (everything made so far is removed).
    init(tag: String) throws {
        let number = Self.counter.next()
        let pid = getpid()
        self.tag = tag
        namespace = "mino-it-\(pid)-\(number)"
        hostInterface = "mt\(pid % 100_000)x\(number)h"
        innerInterface = "mt\(pid % 100_000)x\(number)n"
        do {
            try setUp()
        } catch {
            cleanUp()
            throw error
        }
    }

    private func setUp() throws {
        let ns = namespace
        var steps = [
            "ip netns add \(ns)",
            "ip link add \(hostInterface) type veth peer name \(innerInterface)",
            "ip link set \(innerInterface) netns \(ns)",
            "ip addr add \(Self.hostAddress)/24 dev \(hostInterface)",
            "ip addr add \(Self.hostPrivate)/32 dev \(hostInterface)",
            "ip -6 addr add \(Self.hostIPv6)/64 dev \(hostInterface) nodad",
            "ip link set \(hostInterface) up",
            "ip -n \(ns) link set lo up",
        ]
        for address in Self.addresses + [Self.resolverAddress] {
            steps.append("ip -n \(ns) addr add \(address)/24 dev \(innerInterface)")
        }
        for address in Self.ipv6Addresses {
            steps.append("ip -n \(ns) -6 addr add \(address)/64 dev \(innerInterface) nodad")
        }
        steps += [
            "ip -n \(ns) link set \(innerInterface) up",
            "ip -n \(ns) route add default via \(Self.hostAddress)",
            "ip -n \(ns) -6 route add default via \(Self.hostIPv6)",
        ]
        for step in steps {
            let result = Command.shell(step, timeout: 20)
            guard result.succeeded else { throw HarnessError("test net: `\(step)` failed: \(result)") }
        }
        listener = try Background(
            ["/usr/sbin/ip", "netns", "exec", ns, "/usr/bin/python3", "-c", Self.listenerScript, tag]
                + Self.addresses + Self.ipv6Addresses,
            environment: ["PATH": Command.path], directory: "/")
        let ready = Command.poll(timeout: 20) {
            Self.addresses.allSatisfy { greeting(from: $0, port: 8080)?.contains("\(tag)@\($0)") ?? false }
        }
        guard ready else { throw HarnessError("test net: the listeners never answered the host") }
        resolver = try DNSCanary(address: Self.resolverAddress, port: 53, namespace: ns)
    }

    /// What a TCP connection from the host to `address`:`port` receives, or `nil`.
    func greeting(from address: String, port: Int) -> String? {
        let script = """
            import socket
            print(socket.create_connection(("\(address)", \(port)), 3).recv(200).decode().strip())
            """
        let result = Command.run(["/usr/bin/python3", "-c", script], timeout: 10)
        return result.succeeded ? result.stdout : nil
    }

    /// The tag a probe's answer from `address` on TCP `port` carries.
    func tag(_ address: String, tcp port: Int) -> String { "\(tag)@\(address) tcp\(port)" }

    func cleanUp() {
        guard !cleaned else { return }
        cleaned = true
        resolver = nil
        if let listener {
            listener.signal(SIGKILL)
            _ = listener.wait(timeout: 5)
        }
        listener = nil
        _ = Command.shell("ip netns del \(namespace) 2>/dev/null; ip link del \(hostInterface) 2>/dev/null; true")
    }

    deinit { cleanUp() }

    /// Numbers the namespaces of this process.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
