#if os(Linux)
    import Dispatch
    import Foundation
    import Glibc
    import HostProcess
    import PolicyExecutor
    import Testing

    /// The resolver's serving loops on real loopback sockets: UDP and framed TCP, the three kinds
    /// of reply, the limits on pending work and connections, and that slow upstream work never
    /// holds up answers given at once.
    @Suite struct ResolverServerTests {
        /// A server over fresh UDP and TCP sockets on 127.0.0.1.
        final class Fixture {
            let datagram: Int32
            let stream: Int32
            private(set) var server: ResolverServer?

            var udpPort: UInt16 { Loopback.port(of: datagram) }
            var tcpPort: UInt16 { Loopback.port(of: stream) }

            init(
                maximumPending: Int = 256, maximumConnections: Int = 64,
                handler: @escaping ResolverServer.Handler
            ) throws {
                datagram = try Loopback.bound(Loopback.datagram)
                stream = try Loopback.bound(Loopback.stream)
                let server = try ResolverServer(
                    sockets: ResolverSockets(datagram: datagram, stream: stream, netlink: -1),
                    maximumPending: maximumPending, maximumConnections: maximumConnections, handler: handler)
                server.start()
                self.server = server
            }

            /// Stops the server, waits (boundedly) until its threads let go of it, then closes the
            /// sockets; whether it was released.
            @discardableResult
            func shutdown() -> Bool {
                weak let released = server
                server?.stop()
                server = nil
                let gone = eventually(seconds: 5) { released == nil }
                if gone {
                    Descriptor.close(datagram)
                    Descriptor.close(stream)
                }
                return gone
            }

            deinit {
                if server != nil { shutdown() }
            }

            /// A UDP client connected to the server.
            func udpClient() throws -> Int32 {
                try Loopback.connected(Loopback.datagram, to: udpPort)
            }

            /// A TCP client connected to the server, its reads bounded.
            func tcpClient(milliseconds: Int = 3000) throws -> Int32 {
                let client = try Loopback.connected(Loopback.stream, to: tcpPort)
                Loopback.setTimeouts(client, milliseconds: milliseconds)
                return client
            }
        }

        /// A gate the `.later` work of a test waits at; always opened when the test ends.
        final class Gate: @unchecked Sendable {
            private let semaphore = DispatchSemaphore(value: 0)
            let entered = Shared(0)

            /// Waits (at most 10 s) until opened.
            func pass() {
                entered.with { $0 += 1 }
                if semaphore.wait(timeout: .now() + 10) == .success { semaphore.signal() }
            }

            func open() { semaphore.signal() }
        }

        /// Answers `now*` at once, `later*` from the pool, `nil*` with nothing from the pool,
        /// `drop*` never, `slow*` after `gate` opens.
        static func handler(gate: Gate = Gate(), seen: Shared<[ResolverTransport]> = Shared([]))
            -> ResolverServer.Handler
        {
            { query, transport in
                seen.with { $0.append(transport) }
                let label = Wire.label(query)
                if label.hasPrefix("now") { return .now(Wire.answer(to: query)) }
                if label.hasPrefix("later") { return .later { Wire.answer(to: query) } }
                if label.hasPrefix("nil") { return .later { nil } }
                if label.hasPrefix("slow") {
                    return .later {
                        gate.pass()
                        return Wire.answer(to: query)
                    }
                }
                return .drop
            }
        }

        // MARK: UDP

        @Test func aDatagramQueryIsAnsweredAtOnce() throws {
            let seen = Shared<[ResolverTransport]>([])
            let fixture = try Fixture(handler: Self.handler(seen: seen))
            defer { fixture.shutdown() }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            let query = Wire.query("now", id: 0x1234)
            #expect(Loopback.send(query, on: client))
            #expect(Loopback.receive(on: client) == Wire.answer(to: query))
            #expect(seen.current == [.udp])
        }

        @Test func laterWorkIsAnsweredFromThePool() throws {
            let fixture = try Fixture(handler: Self.handler())
            defer { fixture.shutdown() }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            for id in UInt16(1)...5 {
                let query = Wire.query("later", id: id)
                #expect(Loopback.send(query, on: client))
                #expect(Loopback.receive(on: client) == Wire.answer(to: query))
            }
        }

        @Test func laterWorkWithoutAnAnswerGetsAServerFailure() throws {
            let fixture = try Fixture(handler: Self.handler())
            defer { fixture.shutdown() }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            #expect(Loopback.send(Wire.query("nil", id: 0xBEEF), on: client))
            let reply = try #require(Loopback.receive(on: client))
            #expect(reply.count == 12)
            #expect(Wire.id(reply) == 0xBEEF)
            #expect(reply[2] & 0x80 != 0)
            #expect(reply[2] & 0x01 != 0)
            #expect(Wire.rcode(reply) == 2)
        }

        @Test func aDroppedQueryGetsNoAnswerAndServingGoesOn() throws {
            let fixture = try Fixture(handler: Self.handler())
            defer { fixture.shutdown() }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            #expect(Loopback.send(Wire.query("drop", id: 7), on: client))
            #expect(Loopback.receive(on: client, milliseconds: 300) == nil)
            // Too short to be a query: the handler sees it, the server sends nothing back.
            #expect(Loopback.send([0x01], on: client))
            #expect(Loopback.receive(on: client, milliseconds: 100) == nil)
            let query = Wire.query("now", id: 8)
            #expect(Loopback.send(query, on: client))
            #expect(Loopback.receive(on: client) == Wire.answer(to: query))
        }

        @Test func beyondMaximumPendingAQueryGetsAServerFailureAtOnce() throws {
            let gate = Gate()
            defer { gate.open() }
            let fixture = try Fixture(maximumPending: 2, handler: Self.handler(gate: gate))
            defer { fixture.shutdown() }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            for id in UInt16(1)...5 { #expect(Loopback.send(Wire.query("slow", id: id), on: client)) }
            // The three beyond the limit are refused while the two admitted ones still wait.
            var early: [UInt16: UInt8] = [:]
            for _ in 0..<3 {
                guard let reply = Loopback.receive(on: client, milliseconds: 2000) else { break }
                early[Wire.id(reply)] = Wire.rcode(reply)
            }
            #expect(early == [3: 2, 4: 2, 5: 2])
            #expect(Loopback.receive(on: client, milliseconds: 100) == nil)
            gate.open()
            var late: [UInt16: UInt8] = [:]
            for _ in 0..<2 {
                guard let reply = Loopback.receive(on: client, milliseconds: 5000) else { break }
                late[Wire.id(reply)] = Wire.rcode(reply)
            }
            #expect(late == [1: 0, 2: 0])
            // The slots are free again.
            let query = Wire.query("later", id: 6)
            #expect(
                eventually {
                    Loopback.send(query, on: client)
                    return Loopback.receive(on: client, milliseconds: 200) == Wire.answer(to: query)
                })
        }

        @Test func aFloodOfImmediateAnswersIsNotHeldUpBySlowWork() throws {
            let gate = Gate()
            defer { gate.open() }
            let fixture = try Fixture(handler: Self.handler(gate: gate))
            defer { fixture.shutdown() }
            let slowClient = try fixture.udpClient()
            defer { Descriptor.close(slowClient) }
            for id in UInt16(1)...8 { #expect(Loopback.send(Wire.query("slow", id: id), on: slowClient)) }
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            let start = ContinuousClock.now
            var answered = 0
            for id in UInt16(100)..<300 {
                let query = Wire.query("now", id: id)
                guard Loopback.send(query, on: client),
                    Loopback.receive(on: client, milliseconds: 1000) == Wire.answer(to: query)
                else { break }
                answered += 1
            }
            let elapsed = ContinuousClock.now - start
            #expect(answered == 200)
            #expect(elapsed < .seconds(3), "200 immediate answers took \(elapsed)")
            #expect(Loopback.receive(on: slowClient, milliseconds: 0) == nil, "slow work answered before its gate")
            gate.open()
            var slow = 0
            while slow < 8, Loopback.receive(on: slowClient, milliseconds: 5000) != nil { slow += 1 }
            #expect(slow == 8)
        }

        // MARK: TCP

        @Test func framedQueriesOnOneConnectionAreAnsweredInOrder() throws {
            let seen = Shared<[ResolverTransport]>([])
            let fixture = try Fixture(handler: Self.handler(seen: seen))
            defer { fixture.shutdown() }
            let client = try fixture.tcpClient()
            defer { Descriptor.close(client) }
            let first = Wire.query("now", id: 1)
            let second = Wire.query("later", id: 2)
            // Both queries in one write: the server must split them by their length prefixes.
            #expect(Loopback.send(Wire.framed(first) + Wire.framed(second), on: client))
            #expect(StreamFraming.readMessage(client) == Wire.answer(to: first))
            #expect(StreamFraming.readMessage(client) == Wire.answer(to: second))
            let third = Wire.query("nil", id: 3)
            #expect(Loopback.send(Wire.framed(third), on: client))
            let failure = try #require(StreamFraming.readMessage(client))
            #expect(Wire.id(failure) == 3)
            #expect(Wire.rcode(failure) == 2)
            #expect(seen.current == [.tcp, .tcp, .tcp])
        }

        @Test func aDroppedQueryClosesTheConnection() throws {
            let fixture = try Fixture(handler: Self.handler())
            defer { fixture.shutdown() }
            let client = try fixture.tcpClient()
            defer { Descriptor.close(client) }
            #expect(Loopback.send(Wire.framed(Wire.query("drop", id: 1)), on: client))
            #expect(StreamFraming.readMessage(client) == nil)
        }

        /// The server's idle limit is 10 s; the wait sleeps instead of blocking a test thread.
        @Test func anIdleConnectionIsClosed() async throws {
            let fixture = try Fixture(handler: Self.handler())
            defer { fixture.shutdown() }
            let client = try fixture.tcpClient()
            defer { Descriptor.close(client) }
            let query = Wire.query("now", id: 1)
            #expect(Loopback.send(Wire.framed(query), on: client))
            #expect(StreamFraming.readMessage(client) == Wire.answer(to: query))
            let start = ContinuousClock.now
            var read = -1
            // End of stream: the server closed the idle connection.
            // Bounded generously: a loaded machine (CI runs podman beside it) delays the wake-up.
            while read != 0, ContinuousClock.now - start < .seconds(30) {
                try await Task.sleep(for: .milliseconds(100))
                var byte: UInt8 = 0
                read = recv(client, &byte, 1, Int32(MSG_DONTWAIT))
                if read > 0 { break }
            }
            let elapsed = ContinuousClock.now - start
            #expect(read == 0)
            #expect(elapsed >= .seconds(9) && elapsed < .seconds(30), "closed after \(elapsed)")
        }

        @Test func connectionsBeyondTheLimitAreClosed() throws {
            let fixture = try Fixture(maximumConnections: 1, handler: Self.handler())
            defer { fixture.shutdown() }
            let first = try fixture.tcpClient()
            defer { Descriptor.close(first) }
            let query = Wire.query("now", id: 1)
            #expect(Loopback.send(Wire.framed(query), on: first))
            #expect(StreamFraming.readMessage(first) == Wire.answer(to: query))
            let second = try fixture.tcpClient()
            defer { Descriptor.close(second) }
            Loopback.send(Wire.framed(query), on: second)
            #expect(StreamFraming.readMessage(second) == nil)
            // The first connection still serves.
            #expect(Loopback.send(Wire.framed(query), on: first))
            #expect(StreamFraming.readMessage(first) == Wire.answer(to: query))
        }

        // MARK: Stopping

        @Test func aStoppedServerAnswersNothingAndIsReleased() throws {
            let fixture = try Fixture(handler: Self.handler())
            let client = try fixture.udpClient()
            defer { Descriptor.close(client) }
            let query = Wire.query("now", id: 1)
            #expect(Loopback.send(query, on: client))
            #expect(Loopback.receive(on: client) == Wire.answer(to: query))
            fixture.server?.stop()
            fixture.server?.stop()
            Loopback.send(query, on: client)
            #expect(Loopback.receive(on: client, milliseconds: 300) == nil)
            #expect(fixture.shutdown(), "the stopped server was never released")
        }
    }
#endif
