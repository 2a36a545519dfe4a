import Foundation
import HostProcess
import PolicyModel

#if canImport(Glibc)
    import Glibc

    /// Sends one query to the session's upstream resolvers from the host side: over UDP to each
    /// server in turn (2 s each), again over TCP when the answer is truncated. Only queries the
    /// policy allows ever reach this type.
    package struct UpstreamResolver: Sendable {
        /// The servers, in order.
        package let servers: [ResolverEndpoint]
        /// How long one server gets, in milliseconds.
        package let timeoutMilliseconds: Int32

        /// Creates a value from its parts.
        package init(servers: [ResolverEndpoint], timeoutMilliseconds: Int32 = 2000) {
            self.servers = servers
            self.timeoutMilliseconds = timeoutMilliseconds
        }

        /// The first answer any server gives whose id matches `query`'s, or `nil`.
        package func resolve(_ query: [UInt8], isTruncated: ([UInt8]) -> Bool) -> [UInt8]? {
            guard query.count >= 12 else { return nil }
            for server in servers {
                guard let answer = datagram(query, to: server) else { continue }
                if isTruncated(answer), let complete = stream(query, to: server) { return complete }
                return answer
            }
            return nil
        }

        private func datagram(_ query: [UInt8], to server: ResolverEndpoint) -> [UInt8]? {
            guard let socket = try? InetSocket.make(server.address.family, type: Int32(SOCK_DGRAM.rawValue)) else {
                return nil
            }
            defer { Descriptor.close(socket) }
            guard (try? InetSocket.connect(socket, to: server)) != nil,
                query.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == query.count
            else { return nil }
            let deadline = ContinuousClock.now + .milliseconds(Int(timeoutMilliseconds))
            var buffer = [UInt8](repeating: 0, count: 65_535)
            while true {
                let left = deadline - ContinuousClock.now
                let milliseconds = Int32(
                    max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
                guard milliseconds > 0, (try? InetSocket.waitReadable(socket, milliseconds: milliseconds)) == true
                else {
                    return nil
                }
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                // A reply with another id is a stray or a spoof: keep waiting for ours.
                if count >= 12, buffer[0] == query[0], buffer[1] == query[1] { return Array(buffer[0..<count]) }
                if count < 0, errno != EINTR { return nil }
            }
        }

        private func stream(_ query: [UInt8], to server: ResolverEndpoint) -> [UInt8]? {
            guard query.count <= 65_535,
                let socket = try? InetSocket.make(server.address.family, type: Int32(SOCK_STREAM.rawValue))
            else { return nil }
            defer { Descriptor.close(socket) }
            var timeout = timeval(
                tv_sec: Int(timeoutMilliseconds / 1000), tv_usec: Int(timeoutMilliseconds % 1000) * 1000)
            _ = setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard (try? InetSocket.connect(socket, to: server)) != nil else { return nil }
            let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query
            guard StreamFraming.writeAll(socket, framed), let answer = StreamFraming.readMessage(socket),
                answer.count >= 12, answer[0] == query[0], answer[1] == query[1]
            else { return nil }
            return answer
        }
    }

    /// DNS over TCP: each message preceded by its length in two bytes (RFC 1035 §4.2.2).
    package enum StreamFraming {
        /// Writes every byte (retrying short writes); `false` on failure.
        package static func writeAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }

        /// Reads exactly `count` bytes; `nil` on end of stream, error or timeout.
        package static func readExactly(_ socket: Int32, _ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            var offset = 0
            while offset < count {
                let read = buffer[offset...].withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if read < 0, errno == EINTR { continue }
                guard read > 0 else { return nil }
                offset += read
            }
            return buffer
        }

        /// Reads one length-prefixed message.
        package static func readMessage(_ socket: Int32) -> [UInt8]? {
            guard let prefix = readExactly(socket, 2) else { return nil }
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard length > 0 else { return nil }
            return readExactly(socket, length)
        }
    }
#endif
