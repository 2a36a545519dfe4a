import Diagnostics
import HostProcess

#if canImport(Glibc)
    import Glibc

    /// The sockets the fence hook opened inside a session's network namespace.
    package struct ResolverSockets: Sendable {
        /// UDP, bound to the resolver address, port 53.
        package var datagram: Int32
        /// TCP, listening on the resolver address, port 53.
        package var stream: Int32
        /// `NETLINK_NETFILTER`, for pinning answers into the fence's sets.
        package var netlink: Int32

        /// Creates a value from its parts.
        package init(datagram: Int32, stream: Int32, netlink: Int32) {
            self.datagram = datagram
            self.stream = stream
            self.netlink = netlink
        }

        /// Closes all three.
        package func close() {
            for descriptor in [datagram, stream, netlink] { Descriptor.close(descriptor) }
        }
    }

    /// The host side of the fence hook: a Unix socket in a private directory where mino waits
    /// for the hook to hand over the resolver's sockets. Only a peer with mino's own uid (the
    /// hook runs as root in podman's user namespace when rootless, which is this uid outside
    /// it) is accepted.
    package final class FenceHandoff: @unchecked Sendable {
        /// The socket's path (named in the hook file).
        package let path: String
        private let listener: Int32

        /// Listens at `path` (its directory must exist and be private to this user).
        package init(path: String) throws(SystemCallError) {
            self.path = path
            listener = try UnixSocket.listen(at: path)
        }

        /// Waits for the hook (at most `milliseconds`) and takes its sockets. `serve` runs before
        /// the hook is answered: only when it returns `true` does the hook succeed (so the
        /// container starts only once its resolver serves) and do the sockets become the
        /// caller's; otherwise they are closed here.
        package func receive(milliseconds: Int32, serve: (ResolverSockets) -> Bool) throws(SystemCallError) {
            let connection = try UnixSocket.accept(listener, milliseconds: milliseconds)
            defer { Descriptor.close(connection) }
            let peer = try UnixSocket.peer(of: connection)
            guard peer.userID == getuid() else { throw SystemCallError(code: EPERM) }
            guard try InetSocket.waitReadable(connection, milliseconds: 20_000) else {
                throw SystemCallError(code: ETIMEDOUT)
            }
            let message = try UnixSocket.receive(on: connection, maximumDescriptors: 3)
            guard message.bytes == FenceHook.greeting, message.descriptors.count == 3 else {
                for descriptor in message.descriptors { Descriptor.close(descriptor) }
                throw SystemCallError(code: EPROTO)
            }
            let sockets = ResolverSockets(
                datagram: message.descriptors[0], stream: message.descriptors[1], netlink: message.descriptors[2])
            guard serve(sockets) else {
                sockets.close()
                throw SystemCallError(code: ECANCELED)
            }
            // A hook that gave up meanwhile fails the container itself; nothing to undo here.
            try? UnixSocket.send(FenceHook.acknowledgement, descriptors: [], on: connection)
        }

        /// Stops listening and removes the socket file.
        package func close() {
            Descriptor.close(listener)
            _ = path.withCString { unlink($0) }
        }
    }
#endif
