import Dispatch
import Foundation
import HostProcess

#if canImport(Glibc)
    import Glibc

    /// What a resolver does with one query.
    package enum ResolverReply: Sendable {
        /// Send these bytes now (refusals, malformed queries, answers that need nothing upstream).
        case now([UInt8])
        /// Send nothing.
        case drop
        /// Ask upstream first: the work runs on the resolver's pool, so a flood of refused names
        /// is answered on the receiving thread and never waits behind slow upstream answers.
        case later(@Sendable () -> [UInt8]?)
    }

    /// The transport a query came over.
    package enum ResolverTransport: String, Sendable {
        /// UDP.
        case udp
        /// TCP.
        case tcp
    }

    /// Serves DNS on the sockets the fence hook opened in the session's namespace: one thread
    /// reads UDP, one accepts TCP (at most `maximumConnections` at a time, idle ones closed after
    /// 10 s); upstream work runs on a concurrent pool, at most `maximumPending` at a time (beyond
    /// that a query gets SERVFAIL at once instead of queueing without bound).
    package final class ResolverServer: @unchecked Sendable {
        /// Decides what to answer.
        package typealias Handler = @Sendable ([UInt8], ResolverTransport) -> ResolverReply

        private let sockets: ResolverSockets
        private let handler: Handler
        private let pool = DispatchQueue(label: "mino.resolver.upstream", attributes: .concurrent)
        private let lock = NSLock()
        private var pending = 0
        private var connections = 0
        private let stopPipe: Descriptor.Pipe
        /// The two threads, each connection and each upstream lookup while they run.
        private let active = DispatchGroup()
        /// Upstream work in flight at most.
        package let maximumPending: Int
        /// Open TCP connections at most.
        package let maximumConnections: Int

        /// Creates a server over `sockets` (it does not own them: the caller closes them after `stop`).
        package init(
            sockets: ResolverSockets, maximumPending: Int = 256, maximumConnections: Int = 64,
            handler: @escaping Handler
        ) throws(SystemCallError) {
            self.sockets = sockets
            self.handler = handler
            self.maximumPending = maximumPending
            self.maximumConnections = maximumConnections
            stopPipe = try Descriptor.makePipe()
        }

        /// Runs once stopped threads and in-flight work let go of the server.
        deinit {
            Descriptor.close(stopPipe.read)
            Descriptor.close(stopPipe.write)
        }

        /// Starts the two threads.
        package func start() {
            active.enter()
            active.enter()
            let udp = Thread { [self] in
                serveDatagrams()
                active.leave()
            }
            let tcp = Thread { [self] in
                serveStreams()
                active.leave()
            }
            udp.name = "mino.resolver.udp"
            tcp.name = "mino.resolver.tcp"
            udp.start()
            tcp.start()
        }

        /// Stops reading (in-flight upstream work may still answer); idempotent.
        package func stop() {
            _ = write(stopPipe.write, "x", 1)
        }

        /// Stops, then waits at most `seconds` until no thread, connection or lookup uses the
        /// sockets any more; `true` when none does (only then may the caller close them, or
        /// their numbers could be reused under a lookup still running).
        package func stopAndDrain(seconds: Int = 5) -> Bool {
            stop()
            return active.wait(timeout: .now() + .seconds(seconds)) == .success
        }

        /// Waits until `descriptor` is readable or the server stops; `false` when stopping.
        private func readable(_ descriptor: Int32, milliseconds: Int32 = -1) -> Bool? {
            var pollers = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            while true {
                let ready = poll(&pollers, 2, milliseconds)
                if ready < 0, errno == EINTR { continue }
                if ready < 0 || pollers[1].revents != 0 { return false }
                if ready == 0 { return nil }
                return true
            }
        }

        private func reserve(_ counter: ReferenceWritableKeyPath<ResolverServer, Int>, limit: Int) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard self[keyPath: counter] < limit else { return false }
            self[keyPath: counter] += 1
            return true
        }

        private func release(_ counter: ReferenceWritableKeyPath<ResolverServer, Int>) {
            lock.lock()
            self[keyPath: counter] -= 1
            lock.unlock()
        }

        private func serveDatagrams() {
            let socket = sockets.datagram
            var buffer = [UInt8](repeating: 0, count: 4096)
            while readable(socket) == true {
                var source = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = buffer.withUnsafeMutableBytes { bytes in
                    withUnsafeMutablePointer(to: &source) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(socket, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length)
                        }
                    }
                }
                guard count > 0 else { continue }
                let query = Array(buffer[0..<count])
                let address = source
                let addressLength = length
                let reply = { @Sendable (bytes: [UInt8]) in
                    var destination = address
                    _ = bytes.withUnsafeBytes { raw in
                        withUnsafeMutablePointer(to: &destination) { pointer in
                            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(socket, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, addressLength)
                            }
                        }
                    }
                }
                switch handler(query, .udp) {
                case .now(let bytes): reply(bytes)
                case .drop: break
                case .later(let work):
                    guard reserve(\.pending, limit: maximumPending) else {
                        if let failure = Self.serverFailure(query) { reply(failure) }
                        continue
                    }
                    active.enter()
                    pool.async { [self] in
                        defer {
                            release(\.pending)
                            active.leave()
                        }
                        if let bytes = work() ?? Self.serverFailure(query) { reply(bytes) }
                    }
                }
            }
        }

        private func serveStreams() {
            let listener = sockets.stream
            while readable(listener) == true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                guard reserve(\.connections, limit: maximumConnections) else {
                    Descriptor.close(connection)
                    continue
                }
                active.enter()
                pool.async { [self] in
                    defer {
                        Descriptor.close(connection)
                        release(\.connections)
                        active.leave()
                    }
                    serve(connection)
                }
            }
        }

        /// Answers framed queries on one connection, in order, until it closes or idles 10 s.
        private func serve(_ connection: Int32) {
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while readable(connection, milliseconds: 10_000) == true, let query = StreamFraming.readMessage(connection)
            {
                let answer: [UInt8]?
                switch handler(query, .tcp) {
                case .now(let bytes): answer = bytes
                case .drop: answer = nil
                case .later(let work): answer = work() ?? Self.serverFailure(query)
                }
                guard let answer, answer.count <= 65_535 else { return }
                guard
                    StreamFraming.writeAll(connection, [UInt8(answer.count >> 8), UInt8(answer.count & 0xff)] + answer)
                else { return }
            }
        }

        /// SERVFAIL for `query`: its header with QR and RA set, the rcode 2, and no sections but
        /// the question (copied as received only up to the header: counts are zeroed).
        static func serverFailure(_ query: [UInt8]) -> [UInt8]? {
            guard query.count >= 12, query[2] & 0x80 == 0 else { return nil }
            var header = Array(query[0..<12])
            header[2] = 0x80 | (query[2] & 0x79)
            header[3] = 0x80 | 2
            for index in 4..<12 { header[index] = 0 }
            return header
        }
    }
#endif
