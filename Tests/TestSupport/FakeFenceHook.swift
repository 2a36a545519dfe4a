import Foundation
import HostProcess
import PolicyExecutor
import PolicyModel

#if canImport(Glibc)
    import Glibc

    /// What the container runtime's fence hook does, for tests with a fake podman: when a podman
    /// command names `--hooks-dir DIR`, read DIR's hook file for the session's socket and hand
    /// over three real sockets (UDP and TCP on loopback port 0, a netfilter netlink socket), as
    /// `mino fence-hook` would from inside the container's namespace. No fence is loaded.
    public enum FakeFenceHook {
        /// `argv` without podman's global `--hooks-dir DIR`, so a fake can read the verb second.
        public static func withoutHooks(_ argv: [String]) -> [String] {
            guard let index = argv.firstIndex(of: "--hooks-dir"), index + 1 < argv.count else { return argv }
            return Array(argv[..<index] + argv[(index + 2)...])
        }

        /// Performs the handoff if `argv` starts a container with a hooks directory; `false`
        /// when the mino process did not take the sockets.
        @discardableResult
        public static func performIfHooked(_ argv: [String]) -> Bool {
            guard let index = argv.firstIndex(of: "--hooks-dir"), index + 1 < argv.count,
                argv.contains(where: { $0 == "run" || $0 == "start" })
            else { return true }
            let directory = argv[index + 1]
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory),
                let name = names.first(where: { $0.hasSuffix(".json") }),
                let data = FileManager.default.contents(atPath: directory + "/" + name),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let hook = object["hook"] as? [String: Any], let arguments = hook["args"] as? [String],
                let socketIndex = arguments.firstIndex(of: "--socket"), socketIndex + 1 < arguments.count
            else { return false }
            let path = arguments[socketIndex + 1]
            let loopback = ResolverEndpoint(address: .loopbackIPv4, port: 0)
            guard let datagram = try? InetSocket.bound(loopback, type: Int32(SOCK_DGRAM.rawValue)),
                let stream = try? InetSocket.bound(loopback, type: Int32(SOCK_STREAM.rawValue)),
                let netlink = try? NetfilterSetClient.openInCurrentNamespace()
            else { return false }
            defer { for descriptor in [datagram, stream, netlink] { close(descriptor) } }
            guard let connection = try? UnixSocket.connect(to: path) else { return false }
            defer { close(connection) }
            guard
                (try? UnixSocket.send(FenceHook.greeting, descriptors: [datagram, stream, netlink], on: connection))
                    != nil,
                (try? InetSocket.waitReadable(connection, milliseconds: 10_000)) == true,
                let reply = try? UnixSocket.receive(on: connection, maximumDescriptors: 0)
            else { return false }
            return reply.bytes == FenceHook.acknowledgement
        }
    }
#endif
