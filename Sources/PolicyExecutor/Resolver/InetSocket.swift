import HostProcess
import PolicyModel

#if canImport(Glibc)
    import Glibc

    /// IPv4/IPv6 datagram and stream sockets for the session resolver: the listening pair the
    /// fence hook binds inside the session's namespace, and the upstream queries made on the host.
    ///
    /// Every descriptor made here is close-on-exec.
    package enum InetSocket {
        /// A socket of `type` (`SOCK_DGRAM`, `SOCK_STREAM`) for `family`.
        package static func make(_ family: IPAddress.Family, type: Int32) throws(SystemCallError) -> Int32 {
            let domain = family == .ipv4 ? AF_INET : AF_INET6
            let descriptor = socket(domain, type | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw .current }
            return descriptor
        }

        /// A socket of `type` bound to `endpoint` (listening, for a stream socket).
        package static func bound(_ endpoint: ResolverEndpoint, type: Int32) throws(SystemCallError) -> Int32 {
            let descriptor = try make(endpoint.address.family, type: type)
            var one: Int32 = 1
            _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            do throws(SystemCallError) {
                try withSocketAddress(endpoint) { address, length throws(SystemCallError) in
                    guard bind(descriptor, address, length) == 0 else { throw .current }
                }
                if type == Int32(SOCK_STREAM.rawValue) {
                    guard listen(descriptor, 128) == 0 else { throw SystemCallError.current }
                }
                return descriptor
            } catch {
                Descriptor.close(descriptor)
                throw error
            }
        }

        /// Connects `descriptor` to `endpoint` (a datagram socket then only talks to it).
        package static func connect(_ descriptor: Int32, to endpoint: ResolverEndpoint) throws(SystemCallError) {
            try withSocketAddress(endpoint) { address, length throws(SystemCallError) in
                while Glibc.connect(descriptor, address, length) != 0 {
                    guard errno == EINTR else { throw .current }
                }
            }
        }

        /// Waits until `descriptor` is readable, at most `milliseconds`; `false` on timeout.
        package static func waitReadable(_ descriptor: Int32, milliseconds: Int32) throws(SystemCallError) -> Bool {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while true {
                let ready = poll(&poller, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                guard ready >= 0 else { throw .current }
                return ready == 1
            }
        }

        /// Calls `body` with `endpoint` as a `sockaddr`.
        package static func withSocketAddress<T>(
            _ endpoint: ResolverEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemCallError) -> T
        ) throws(SystemCallError) -> T {
            var result: Result<T, SystemCallError>
            if endpoint.address.family == .ipv4 {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = endpoint.port.bigEndian
                withUnsafeMutableBytes(of: &address.sin_addr) { bytes in
                    for index in 0..<4 { bytes[index] = endpoint.address.bytes[index] }
                }
                result = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                        Result { () throws(SystemCallError) -> T in
                            try body(generic, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            } else {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = endpoint.port.bigEndian
                withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
                    for index in 0..<16 { bytes[index] = endpoint.address.bytes[index] }
                }
                result = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                        Result { () throws(SystemCallError) -> T in
                            try body(generic, socklen_t(MemoryLayout<sockaddr_in6>.size))
                        }
                    }
                }
            }
            return try result.get()
        }
    }

#endif
