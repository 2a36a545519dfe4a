#if os(Linux)
    import Dispatch
    import Foundation
    import Glibc
    import HostProcess
    import PolicyExecutor
    import PolicyModel
    import Testing

    /// The host-side upstream client against a tiny fake DNS server on loopback (UDP and TCP on
    /// one port): id matching, the TCP retry of a truncated answer, and moving on from servers
    /// that refuse or say nothing, each within its timeout.
    @Suite struct UpstreamResolverTests {
        /// A fake upstream: `datagram` says which datagrams answer a UDP query (in order),
        /// `stream` what a TCP query gets (`nil`: the connection is closed).
        final class FakeUpstream: @unchecked Sendable {
            let udp: Int32
            let tcp: Int32
            let port: UInt16
            let udpQueries = Shared<[[UInt8]]>([])
            let tcpQueries = Shared<[[UInt8]]>([])
            private let stopped = Shared(false)
            private let finished = DispatchSemaphore(value: 0)

            init(
                datagram: @escaping @Sendable ([UInt8]) -> [[UInt8]] = { [Wire.answer(to: $0)] },
                stream: @escaping @Sendable ([UInt8]) -> [UInt8]? = { Wire.answer(to: $0) }
            ) throws {
                // UDP first on any port, then TCP on the same number (retried if that is taken).
                var pair: (Int32, Int32)?
                for _ in 0..<20 where pair == nil {
                    let udp = try Loopback.bound(Loopback.datagram)
                    if let tcp = try? Loopback.bound(Loopback.stream, port: Loopback.port(of: udp)) {
                        pair = (udp, tcp)
                    } else {
                        Descriptor.close(udp)
                    }
                }
                guard let (udp, tcp) = pair else { throw SystemCallError(code: EADDRINUSE) }
                self.udp = udp
                self.tcp = tcp
                port = Loopback.port(of: udp)
                let udpQueries = self.udpQueries
                let tcpQueries = self.tcpQueries
                let stopped = self.stopped
                let finished = self.finished
                Thread {
                    defer { finished.signal() }
                    var buffer = [UInt8](repeating: 0, count: 65_535)
                    while !stopped.current {
                        guard (try? InetSocket.waitReadable(udp, milliseconds: 20)) == true else { continue }
                        var source = sockaddr_storage()
                        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                        let count = buffer.withUnsafeMutableBytes { bytes in
                            withUnsafeMutablePointer(to: &source) { pointer in
                                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                    recvfrom(udp, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length)
                                }
                            }
                        }
                        guard count > 0 else { continue }
                        let query = Array(buffer[0..<count])
                        udpQueries.with { $0.append(query) }
                        for reply in datagram(query) {
                            _ = reply.withUnsafeBytes { raw in
                                withUnsafePointer(to: &source) { pointer in
                                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                        sendto(udp, raw.baseAddress, raw.count, 0, $0, length)
                                    }
                                }
                            }
                        }
                    }
                }.start()
                Thread {
                    defer { finished.signal() }
                    while !stopped.current {
                        guard (try? InetSocket.waitReadable(tcp, milliseconds: 20)) == true else { continue }
                        let connection = accept(tcp, nil, nil)
                        guard connection >= 0 else { continue }
                        defer { Descriptor.close(connection) }
                        Loopback.setTimeouts(connection, milliseconds: 2000)
                        guard let query = StreamFraming.readMessage(connection) else { continue }
                        tcpQueries.with { $0.append(query) }
                        if let answer = stream(query) { _ = StreamFraming.writeAll(connection, Wire.framed(answer)) }
                    }
                }.start()
            }

            var endpoint: ResolverEndpoint { Loopback.endpoint(port) }

            /// Stops both threads (boundedly), then closes the sockets.
            func stop() {
                stopped.with { $0 = true }
                let done = [finished.wait(timeout: .now() + 5), finished.wait(timeout: .now() + 5)]
                if done.allSatisfy({ $0 == .success }) {
                    Descriptor.close(udp)
                    Descriptor.close(tcp)
                }
            }
        }

        static func isTruncated(_ answer: [UInt8]) -> Bool { answer.count > 2 && answer[2] & 0x02 != 0 }

        static func truncated(_ query: [UInt8]) -> [UInt8] {
            var answer = Wire.answer(to: query)
            answer[2] |= 0x02
            return answer
        }

        static func withID(_ id: UInt16, _ message: [UInt8]) -> [UInt8] {
            var copy = message
            copy[0] = UInt8(id >> 8)
            copy[1] = UInt8(id & 0xFF)
            return copy
        }

        static func elapsed(_ body: () -> [UInt8]?) -> ([UInt8]?, Duration) {
            let start = ContinuousClock.now
            let result = body()
            return (result, ContinuousClock.now - start)
        }

        @Test func anAnswerIsReturnedAsItCame() throws {
            let upstream = try FakeUpstream()
            defer { upstream.stop() }
            let query = Wire.query("a", id: 0x5151)
            let resolver = UpstreamResolver(servers: [upstream.endpoint])
            #expect(resolver.resolve(query, isTruncated: Self.isTruncated) == Wire.answer(to: query))
            #expect(upstream.udpQueries.current == [query])
            #expect(upstream.tcpQueries.current.isEmpty)
        }

        @Test func answersWithAnotherIDAreIgnored() throws {
            let upstream = try FakeUpstream(datagram: { query in
                let answer = Wire.answer(to: query)
                // A stray, a spoof, a runt with the right id, then the answer.
                return [
                    Self.withID(Wire.id(query) ^ 1, answer), Self.withID(0, answer), Array(query[0..<4]), answer,
                ]
            })
            defer { upstream.stop() }
            let query = Wire.query("a", id: 0x0101)
            let resolver = UpstreamResolver(servers: [upstream.endpoint], timeoutMilliseconds: 1000)
            #expect(resolver.resolve(query, isTruncated: Self.isTruncated) == Wire.answer(to: query))
        }

        @Test func onlyAnswersWithAnotherIDAreNoAnswer() throws {
            let upstream = try FakeUpstream(datagram: { [Self.withID(Wire.id($0) &+ 1, Wire.answer(to: $0))] })
            defer { upstream.stop() }
            let resolver = UpstreamResolver(servers: [upstream.endpoint], timeoutMilliseconds: 300)
            let (answer, elapsed) = Self.elapsed {
                resolver.resolve(Wire.query("a", id: 9), isTruncated: Self.isTruncated)
            }
            #expect(answer == nil)
            #expect(elapsed >= .milliseconds(250) && elapsed < .milliseconds(1500), "\(elapsed)")
        }

        @Test func aTruncatedAnswerIsAskedAgainOverTCP() throws {
            let upstream = try FakeUpstream(
                datagram: { [Self.truncated($0)] }, stream: { Wire.answer(to: $0) + [0xAA, 0xBB] })
            defer { upstream.stop() }
            let query = Wire.query("big", id: 0x7777)
            let resolver = UpstreamResolver(servers: [upstream.endpoint])
            #expect(resolver.resolve(query, isTruncated: Self.isTruncated) == Wire.answer(to: query) + [0xAA, 0xBB])
            #expect(upstream.tcpQueries.current == [query])
        }

        @Test func aTruncatedAnswerStandsWhenTCPFails() throws {
            for stream: @Sendable ([UInt8]) -> [UInt8]? in [
                { _ in nil }, { Self.withID(Wire.id($0) ^ 0xFFFF, Wire.answer(to: $0)) }, { _ in [1, 2, 3] },
            ] {
                let upstream = try FakeUpstream(datagram: { [Self.truncated($0)] }, stream: stream)
                defer { upstream.stop() }
                let query = Wire.query("big", id: 0x7778)
                let resolver = UpstreamResolver(servers: [upstream.endpoint], timeoutMilliseconds: 1000)
                #expect(resolver.resolve(query, isTruncated: Self.isTruncated) == Self.truncated(query))
                #expect(upstream.tcpQueries.current.count == 1)
            }
        }

        @Test func aRefusingServerIsSkippedAtOnce() throws {
            let upstream = try FakeUpstream()
            defer { upstream.stop() }
            let dead = Loopback.endpoint(try Loopback.closedPort(Loopback.datagram))
            let resolver = UpstreamResolver(servers: [dead, upstream.endpoint], timeoutMilliseconds: 2000)
            let query = Wire.query("a", id: 3)
            let (answer, elapsed) = Self.elapsed { resolver.resolve(query, isTruncated: Self.isTruncated) }
            #expect(answer == Wire.answer(to: query))
            #expect(elapsed < .milliseconds(1500), "\(elapsed)")
        }

        @Test func aSilentServerIsSkippedAfterItsTimeout() throws {
            let upstream = try FakeUpstream()
            defer { upstream.stop() }
            let silent = try Loopback.bound(Loopback.datagram)
            defer { Descriptor.close(silent) }
            let resolver = UpstreamResolver(
                servers: [Loopback.endpoint(Loopback.port(of: silent)), upstream.endpoint], timeoutMilliseconds: 300)
            let query = Wire.query("a", id: 4)
            let (answer, elapsed) = Self.elapsed { resolver.resolve(query, isTruncated: Self.isTruncated) }
            #expect(answer == Wire.answer(to: query))
            #expect(elapsed >= .milliseconds(250) && elapsed < .milliseconds(1500), "\(elapsed)")
        }

        @Test func whenEveryServerIsDeadThereIsNoAnswerWithinTheirTimeouts() throws {
            let silent = try (0..<2).map { _ in try Loopback.bound(Loopback.datagram) }
            defer { silent.forEach(Descriptor.close) }
            let servers =
                silent.map { Loopback.endpoint(Loopback.port(of: $0)) } + [
                    Loopback.endpoint(try Loopback.closedPort(Loopback.datagram))
                ]
            let resolver = UpstreamResolver(servers: servers, timeoutMilliseconds: 300)
            let (answer, elapsed) = Self.elapsed {
                resolver.resolve(Wire.query("a", id: 5), isTruncated: Self.isTruncated)
            }
            #expect(answer == nil)
            #expect(elapsed >= .milliseconds(550) && elapsed < .milliseconds(1600), "\(elapsed)")
            #expect(
                UpstreamResolver(servers: [], timeoutMilliseconds: 300).resolve(Wire.query("a", id: 5)) { _ in false }
                    == nil)
        }

        @Test func aQueryShorterThanAHeaderIsNeverSent() throws {
            let upstream = try FakeUpstream()
            defer { upstream.stop() }
            let resolver = UpstreamResolver(servers: [upstream.endpoint], timeoutMilliseconds: 300)
            #expect(resolver.resolve([0x01, 0x02, 0x03], isTruncated: Self.isTruncated) == nil)
            #expect(upstream.udpQueries.current.isEmpty)
        }
    }
#endif
