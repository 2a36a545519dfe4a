#if os(Linux)
    import Foundation
    import Glibc
    import HostProcess
    import PolicyExecutor
    import PolicyModel

    /// Real sockets on 127.0.0.1 for the resolver's socket tests: every wait is bounded, nothing
    /// leaves loopback.
    enum Loopback {
        static let address: IPAddress = {
            guard let address = IPAddress("127.0.0.1") else { preconditionFailure("127.0.0.1 does not parse") }
            return address
        }()
        static let datagram = Int32(SOCK_DGRAM.rawValue)
        static let stream = Int32(SOCK_STREAM.rawValue)

        static func endpoint(_ port: UInt16) -> ResolverEndpoint {
            ResolverEndpoint(address: address, port: port)
        }

        /// A socket of `type` bound to 127.0.0.1 on `port` (0: any free port; listening for TCP).
        static func bound(_ type: Int32, port: UInt16 = 0) throws -> Int32 {
            try InetSocket.bound(endpoint(port), type: type)
        }

        /// The local port of `descriptor`.
        static func port(of descriptor: Int32) -> UInt16 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return UInt16(bigEndian: address.sin_port)
        }

        /// A socket of `type` connected to 127.0.0.1:`port`.
        static func connected(_ type: Int32, to port: UInt16) throws -> Int32 {
            let descriptor = try InetSocket.make(.ipv4, type: type)
            do {
                try InetSocket.connect(descriptor, to: endpoint(port))
            } catch {
                Descriptor.close(descriptor)
                throw error
            }
            return descriptor
        }

        /// A port nothing listens on (bound once, then closed).
        static func closedPort(_ type: Int32) throws -> UInt16 {
            let descriptor = try bound(type)
            defer { Descriptor.close(descriptor) }
            return port(of: descriptor)
        }

        /// Sends one datagram (or bytes on a stream); `false` when not all went.
        @discardableResult
        static func send(_ bytes: [UInt8], on descriptor: Int32) -> Bool {
            bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                == bytes.count
        }

        /// The next datagram within `milliseconds`, or `nil`.
        static func receive(on descriptor: Int32, milliseconds: Int32 = 2000) -> [UInt8]? {
            guard (try? InetSocket.waitReadable(descriptor, milliseconds: milliseconds)) == true else { return nil }
            var buffer = [UInt8](repeating: 0, count: 65_535)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count >= 0 ? Array(buffer[0..<count]) : nil
        }

        /// Sets receive and send timeouts on a stream socket, so framed reads are bounded.
        static func setTimeouts(_ descriptor: Int32, milliseconds: Int) {
            var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// The inode of the socket `descriptor` refers to.
        static func inode(of descriptor: Int32) -> UInt {
            var status = stat()
            _ = fstat(descriptor, &status)
            return UInt(status.st_ino)
        }

        /// The descriptors of this process that refer to the socket with `inode`.
        static func descriptors(referringTo inode: UInt) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return entries.compactMap { entry in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
                    target == "socket:[\(inode)]"
                else { return nil }
                return Int32(entry)
            }
        }
    }

    /// Hand-made DNS wire messages: only the header matters to the socket layer.
    enum Wire {
        /// A query for `label.test A` under `id`; the first label tells a test handler what to do.
        static func query(_ label: String, id: UInt16) -> [UInt8] {
            [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
                + [UInt8(label.utf8.count)] + Array(label.utf8) + [4] + Array("test".utf8) + [
                    0, 0x00, 0x01, 0x00, 0x01,
                ]
        }

        /// The first label of a query made by `query`.
        static func label(_ query: [UInt8]) -> String {
            guard query.count > 13, query.count >= 13 + Int(query[12]) else { return "" }
            return String(decoding: query[13..<(13 + Int(query[12]))], as: UTF8.self)
        }

        /// The id of a message.
        static func id(_ message: [UInt8]) -> UInt16 {
            message.count >= 2 ? UInt16(message[0]) << 8 | UInt16(message[1]) : 0
        }

        /// The rcode of a message.
        static func rcode(_ message: [UInt8]) -> UInt8 {
            message.count >= 4 ? message[3] & 0x0F : 0xFF
        }

        /// An answer: the query with QR and RA set and `rcode`.
        static func answer(to query: [UInt8], rcode: UInt8 = 0) -> [UInt8] {
            var answer = query
            answer[2] |= 0x80
            answer[3] = 0x80 | rcode
            return answer
        }

        /// `bytes` preceded by their length in two bytes (DNS over TCP).
        static func framed(_ bytes: [UInt8]) -> [UInt8] {
            [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
        }
    }

    /// A value shared between a test and the threads it starts.
    final class Shared<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value

        init(_ value: Value) {
            self.value = value
        }

        func with<Result>(_ body: (inout Value) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }

        var current: Value { with { $0 } }
    }

    /// Waits at most `seconds` for `condition`, polling every 5 ms; whether it became true.
    func eventually(seconds: Double = 2, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
#endif
