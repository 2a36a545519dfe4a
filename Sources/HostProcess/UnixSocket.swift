import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// Unix stream sockets at a filesystem path, and descriptors passed over them (`SCM_RIGHTS`):
    /// how the fence hook, running in a session's network namespace, hands the sockets it opened
    /// there to the mino process that serves them on the host side.
    ///
    /// Every descriptor made here is close-on-exec.
    package enum UnixSocket {
        /// The longest path `sockaddr_un` holds (107 bytes plus the terminating NUL).
        package static let maximumPathLength = 107

        /// The credentials of the process at the other end of a connected socket, as the kernel
        /// reports them in the caller's user namespace.
        package struct PeerCredentials: Equatable {
            /// The peer's pid.
            package var pid: Int32
            /// The peer's effective uid.
            package var userID: UInt32
        }

        /// A listening socket bound at `path` (an existing file there is replaced), mode 0600.
        package static func listen(at path: String, backlog: Int32 = 4) throws(SystemCallError) -> Int32 {
            let descriptor = try makeSocket()
            do throws(SystemCallError) {
                _ = path.withCString { unlink($0) }
                try withAddress(path) { address, length throws(SystemCallError) in
                    guard bind(descriptor, address, length) == 0 else { throw .current }
                }
                guard chmod(path, 0o600) == 0, Glibc.listen(descriptor, backlog) == 0 else {
                    throw SystemCallError.current
                }
                return descriptor
            } catch {
                Descriptor.close(descriptor)
                throw error
            }
        }

        /// Connects to the socket at `path`.
        package static func connect(to path: String) throws(SystemCallError) -> Int32 {
            let descriptor = try makeSocket()
            do throws(SystemCallError) {
                try withAddress(path) { address, length throws(SystemCallError) in
                    while Glibc.connect(descriptor, address, length) != 0 {
                        guard errno == EINTR else { throw .current }
                    }
                }
                return descriptor
            } catch {
                Descriptor.close(descriptor)
                throw error
            }
        }

        /// Accepts one connection, waiting at most `milliseconds` (`ETIMEDOUT` after that).
        package static func accept(_ listener: Int32, milliseconds: Int32) throws(SystemCallError) -> Int32 {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            guard ready >= 0 else { throw .current }
            guard ready == 1 else { throw SystemCallError(code: ETIMEDOUT) }
            let connection = Glibc.accept(listener, nil, nil)
            guard connection >= 0 else { throw .current }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            return connection
        }

        /// The peer of a connected socket (`SO_PEERCRED`).
        package static func peer(of descriptor: Int32) throws(SystemCallError) -> PeerCredentials {
            // `struct ucred` (pid, uid, gid), which Glibc's module map does not export.
            var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
            var length = socklen_t(12)
            guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
                throw .current
            }
            return PeerCredentials(pid: credentials.pid, userID: credentials.uid)
        }

        /// Sends `bytes` (at least one) with `descriptors` attached.
        package static func send(_ bytes: [UInt8], descriptors: [Int32], on socket: Int32) throws(SystemCallError) {
            precondition(!bytes.isEmpty, "a message carrying descriptors needs at least one byte")
            let space = controlSpace(descriptors.count)
            var control = [UInt8](repeating: 0, count: descriptors.isEmpty ? 0 : space)
            var payload = bytes
            let sent = payload.withUnsafeMutableBytes { data in
                control.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        if !descriptors.isEmpty, let base = controlBytes.baseAddress {
                            message.msg_control = base
                            message.msg_controllen = space
                            let header = base.assumingMemoryBound(to: cmsghdr.self)
                            header.pointee.cmsg_level = SOL_SOCKET
                            header.pointee.cmsg_type = Int32(SCM_RIGHTS)
                            header.pointee.cmsg_len = headerSpace + descriptors.count * 4
                            let target = base.advanced(by: headerSpace)
                            for (index, descriptor) in descriptors.enumerated() {
                                target.storeBytes(of: descriptor, toByteOffset: index * 4, as: Int32.self)
                            }
                        }
                        return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            }
            guard sent == bytes.count else { throw sent < 0 ? .current : SystemCallError(code: EMSGSIZE) }
        }

        /// Receives one message of at most `capacity` bytes and up to `maximumDescriptors`
        /// descriptors (made close-on-exec). An empty byte array means the peer closed.
        package static func receive(
            on socket: Int32, capacity: Int = 256, maximumDescriptors: Int
        ) throws(SystemCallError) -> (bytes: [UInt8], descriptors: [Int32]) {
            let space = controlSpace(maximumDescriptors)
            var control = [UInt8](repeating: 0, count: space)
            var payload = [UInt8](repeating: 0, count: capacity)
            var received: [Int32] = []
            var truncated = false
            let count = payload.withUnsafeMutableBytes { data in
                control.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = space
                        var result: Int
                        repeat {
                            result = recvmsg(socket, &message, Int32(MSG_CMSG_CLOEXEC))
                        } while result < 0 && errno == EINTR
                        guard result >= 0, let base = controlBytes.baseAddress else { return result }
                        truncated = message.msg_flags & Int32(MSG_CTRUNC) != 0
                        // One SCM_RIGHTS header is all a sender of this module writes; anything
                        // else is read for its descriptors only, so none leaks.
                        var offset = 0
                        while offset + headerSpace <= message.msg_controllen {
                            let header = base.advanced(by: offset).assumingMemoryBound(to: cmsghdr.self)
                            let length = header.pointee.cmsg_len
                            guard length >= headerSpace, offset + length <= message.msg_controllen else { break }
                            if header.pointee.cmsg_level == SOL_SOCKET, header.pointee.cmsg_type == Int32(SCM_RIGHTS) {
                                let count = (length - headerSpace) / 4
                                for index in 0..<count {
                                    received.append(
                                        base.load(fromByteOffset: offset + headerSpace + index * 4, as: Int32.self))
                                }
                            }
                            offset += (length + 7) & ~7
                        }
                        return result
                    }
                }
            }
            guard count >= 0 else { throw .current }
            if truncated {
                for descriptor in received { Descriptor.close(descriptor) }
                throw SystemCallError(code: EMSGSIZE)
            }
            return (Array(payload[0..<count]), received)
        }

        /// `CMSG_LEN(0)` on 64-bit Linux: the aligned `cmsghdr`.
        private static let headerSpace = (MemoryLayout<cmsghdr>.size + 7) & ~7

        /// `CMSG_SPACE` for `count` descriptors.
        private static func controlSpace(_ count: Int) -> Int {
            headerSpace + ((count * 4 + 7) & ~7)
        }

        private static func makeSocket() throws(SystemCallError) -> Int32 {
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw .current }
            return descriptor
        }

        private static func withAddress(
            _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemCallError) -> Void
        ) throws(SystemCallError) {
            let bytes = Array(path.utf8)
            guard !bytes.isEmpty, bytes.count <= maximumPathLength, !bytes.contains(0) else {
                throw SystemCallError(code: ENAMETOOLONG)
            }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { pathBytes in
                for (index, byte) in bytes.enumerated() { pathBytes[index] = byte }
            }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
            var failure: SystemCallError?
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    do throws(SystemCallError) {
                        try body(generic, length)
                    } catch {
                        failure = error
                    }
                }
            }
            if let failure { throw failure }
        }
    }
#endif
