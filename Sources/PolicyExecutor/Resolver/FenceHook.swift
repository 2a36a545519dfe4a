import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyModel

#if canImport(Glibc)
    import Glibc

    /// The OCI `createRuntime` hook of an allowlist session (`mino fence-hook`), run by the
    /// container runtime after the container's namespaces exist and before the agent starts —
    /// inside the single `podman run`, so no create/init/start round trips are needed.
    ///
    /// It enters the container's network namespace (the pid comes from the OCI state on standard
    /// input), loads the fence with `nft -f`, binds the session resolver's UDP and TCP sockets on
    /// `127.0.0.1:53` and opens a netfilter netlink socket there, and hands the three descriptors
    /// to the waiting mino process over the session's Unix socket. Any failure exits non-zero, so
    /// the runtime refuses to start the container: the agent never runs without its fence.
    package enum FenceHook {
        /// The greeting that carries the descriptors (UDP, TCP, netlink, in that order).
        package static let greeting = Array("mino-fence-hook 1\n".utf8)
        /// The receiver's acknowledgement.
        package static let acknowledgement = Array("ok\n".utf8)

        /// What the hook was told (the hook file's arguments).
        package struct Request: Sendable {
            /// The `nft -f` input.
            package var rulesetPath: String
            /// The receiver's Unix socket.
            package var socketPath: String
            /// The `nft` executable.
            package var nft: String

            /// Creates a value from its parts.
            package init(rulesetPath: String, socketPath: String, nft: String) {
                self.rulesetPath = rulesetPath
                self.socketPath = socketPath
                self.nft = nft
            }
        }

        /// Performs the hook with the OCI state read from `state`; errors are one line for the
        /// runtime's log.
        package static func perform(_ request: Request, state: [UInt8], runner: any CommandRunner) throws(HookFailure) {
            guard let pid = containerPID(state) else { throw HookFailure("the OCI state on standard input has no pid") }
            let namespace = open("/proc/\(pid)/ns/net", O_RDONLY | O_CLOEXEC)
            guard namespace >= 0 else { throw HookFailure("cannot open the network namespace of pid \(pid)", errno) }
            defer { Descriptor.close(namespace) }
            // setns changes the calling thread only: everything below runs on this thread, and a
            // child spawned from it (nft) starts in the namespace it is in.
            guard let setNamespace = GlibcExtensions.setNamespace,
                setNamespace(namespace, GlibcExtensions.newNetworkNamespaceFlag) == 0
            else {
                throw HookFailure("cannot enter the network namespace of pid \(pid)", errno)
            }
            let result: ProcessResult
            do {
                result = try runner.run(
                    ProcessSpec(request.nft, ["-f", request.rulesetPath], environment: [:]), timeout: .seconds(20))
            } catch {
                throw HookFailure("cannot run `\(request.nft)`: \(error.kind)")
            }
            guard result.succeeded else {
                let line = result.errorText.split(separator: "\n").first.map(String.init) ?? "exit \(result.status)"
                throw HookFailure("`nft -f` refused the fence: \(line)")
            }
            var opened: [Int32] = []
            defer { for descriptor in opened { Descriptor.close(descriptor) } }
            do throws(SystemCallError) {
                try bringLoopbackUp()
                let listen = EgressPolicyAddress.resolverEndpoint
                let datagram = try InetSocket.bound(listen, type: Int32(SOCK_DGRAM.rawValue))
                opened.append(datagram)
                // A flood of refused names must not crowd allowed queries out of the queue: a
                // deep receive buffer (forced: the hook holds CAP_NET_ADMIN in the namespace).
                var size: Int32 = 8 << 20
                if setsockopt(datagram, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                    _ = setsockopt(datagram, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
                }
                opened.append(try InetSocket.bound(listen, type: Int32(SOCK_STREAM.rawValue)))
            } catch {
                throw HookFailure("cannot open the resolver's sockets in the session's namespace", error.code)
            }
            do throws(NetlinkError) {
                opened.append(try NetfilterSetClient.openInCurrentNamespace())
            } catch {
                throw HookFailure("cannot open a netfilter socket in the session's namespace", error.code)
            }
            // A detached session's supervisor may still be starting: wait for it, boundedly.
            var connection: Int32 = -1
            var attempts = 0
            while connection < 0 {
                do throws(SystemCallError) {
                    connection = try UnixSocket.connect(to: request.socketPath)
                } catch {
                    attempts += 1
                    guard error.code == ENOENT || error.code == ECONNREFUSED, attempts < 300 else {
                        throw HookFailure(
                            "cannot reach the session's mino process at \(request.socketPath)", error.code)
                    }
                    usleep(50_000)
                }
            }
            defer { Descriptor.close(connection) }
            do throws(SystemCallError) {
                try UnixSocket.send(greeting, descriptors: opened, on: connection)
                guard try InetSocket.waitReadable(connection, milliseconds: 20_000),
                    try UnixSocket.receive(on: connection, maximumDescriptors: 0).bytes == acknowledgement
                else { throw SystemCallError(code: EPROTO) }
            } catch {
                throw HookFailure("the session's mino process did not take the resolver's sockets", error.code)
            }
        }

        /// The `pid` of an OCI state document.
        static func containerPID(_ state: [UInt8]) -> Int32? {
            guard state.count < 1 << 20,
                let object = try? JSONSerialization.jsonObject(with: Data(state)) as? [String: Any],
                let pid = (object["pid"] as? NSNumber)?.int32Value, pid > 0
            else { return nil }
            return pid
        }

        /// Sets `lo` up (it is, under podman; a namespace made elsewhere may not have it up).
        private static func bringLoopbackUp() throws(SystemCallError) {
            let control = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard control >= 0 else { throw .current }
            defer { Descriptor.close(control) }
            var request = ifreq()
            withUnsafeMutableBytes(of: &request.ifr_ifrn.ifrn_name) { name in
                name[0] = UInt8(ascii: "l")
                name[1] = UInt8(ascii: "o")
            }
            guard ioctl(control, UInt(SIOCGIFFLAGS), &request) == 0 else { throw .current }
            if request.ifr_ifru.ifru_flags & Int16(IFF_UP) == 0 {
                request.ifr_ifru.ifru_flags |= Int16(IFF_UP)
                guard ioctl(control, UInt(SIOCSIFFLAGS), &request) == 0 else { throw .current }
            }
        }
    }

    /// Why the fence hook failed: one line, with the system's reason when there is one.
    package struct HookFailure: Error, CustomStringConvertible {
        /// The line the runtime logs.
        package let description: String

        /// Creates a failure; `code` is an errno value (0: none).
        package init(_ message: String, _ code: Int32 = 0) {
            description =
                code == 0
                ? "mino fence hook: \(message)" : "mino fence hook: \(message): \(String(cString: strerror(code)))"
        }
    }

#endif
