#if os(Linux)
    import Dispatch
    import Foundation
    import Glibc
    import HostProcess
    import PolicyExecutor
    import Testing

    /// The handoff of the resolver's sockets from the fence hook to mino over a Unix socket
    /// (SCM_RIGHTS): real descriptors arrive usable, anything but the exact greeting with three
    /// descriptors is refused without keeping one, and the hook hears back only once serving
    /// started.
    @Suite struct FenceHandoffTests {
        let directory: TemporaryDirectory
        let path: String

        init() throws {
            directory = try TemporaryDirectory()
            path = directory.path + "/hook.sock"
        }

        /// What the fake hook saw: the acknowledgement bytes (`[]`: the receiver closed), or an error.
        final class HookOutcome: @unchecked Sendable {
            let reply = Shared<Result<[UInt8], SystemCallError>?>(nil)
            let done = DispatchSemaphore(value: 0)

            func wait() -> Result<[UInt8], SystemCallError>? {
                guard done.wait(timeout: .now() + 10) == .success else { return nil }
                return reply.current
            }
        }

        /// Connects to `path` and sends `bytes` with `descriptors`, then waits (at most 5 s) for the
        /// reply, on a thread of its own.
        static func hook(_ path: String, bytes: [UInt8], descriptors: [Int32]) -> HookOutcome {
            let outcome = HookOutcome()
            Thread {
                defer { outcome.done.signal() }
                do throws(SystemCallError) {
                    let connection = try UnixSocket.connect(to: path)
                    defer { Descriptor.close(connection) }
                    try UnixSocket.send(bytes, descriptors: descriptors, on: connection)
                    guard try InetSocket.waitReadable(connection, milliseconds: 5000) else {
                        throw SystemCallError(code: ETIMEDOUT)
                    }
                    let reply = try UnixSocket.receive(on: connection, maximumDescriptors: 0)
                    outcome.reply.with { $0 = .success(reply.bytes) }
                } catch {
                    outcome.reply.with { $0 = .failure(error) }
                }
            }.start()
            return outcome
        }

        /// Three loopback sockets as the hook opens them: UDP, listening TCP, and a third (UDP).
        static func hookSockets() throws -> [Int32] {
            [
                try Loopback.bound(Loopback.datagram), try Loopback.bound(Loopback.stream),
                try Loopback.bound(Loopback.datagram),
            ]
        }

        @Test func threeDescriptorsArriveUsableAndTheHookIsAnswered() throws {
            let handoff = try FenceHandoff(path: path)
            defer { handoff.close() }
            let sent = try Self.hookSockets()
            defer { sent.forEach(Descriptor.close) }
            let receiver = try Loopback.bound(Loopback.datagram)
            defer { Descriptor.close(receiver) }
            let outcome = Self.hook(path, bytes: FenceHook.greeting, descriptors: sent)
            let served = Shared(false)
            try handoff.receive(milliseconds: 5000) { sockets in
                defer { sockets.close() }
                let received = [sockets.datagram, sockets.stream, sockets.netlink]
                // New numbers for the same sockets, in the order sent, close-on-exec.
                #expect(Set(received).isDisjoint(with: sent))
                #expect(received.map(Loopback.inode) == sent.map(Loopback.inode))
                #expect(received.allSatisfy { fcntl($0, F_GETFD) & FD_CLOEXEC != 0 })
                #expect(Loopback.port(of: sockets.stream) == Loopback.port(of: sent[1]))
                // A datagram sent through the passed socket arrives from its port.
                let message: [UInt8] = Array("through the handoff".utf8)
                let sentCount = message.withUnsafeBytes { raw in
                    (try? InetSocket.withSocketAddress(Loopback.endpoint(Loopback.port(of: receiver))) {
                        address, length in sendto(sockets.datagram, raw.baseAddress, raw.count, 0, address, length)
                    }) ?? -1
                }
                #expect(sentCount == message.count)
                #expect(Loopback.receive(on: receiver) == message)
                served.with { $0 = true }
                return true
            }
            #expect(served.current)
            let reply = try #require(outcome.wait())
            #expect(try reply.get() == FenceHook.acknowledgement)
        }

        @Test func theHookHearsNothingUntilServeReturns() throws {
            let handoff = try FenceHandoff(path: path)
            defer { handoff.close() }
            let sent = try Self.hookSockets()
            defer { sent.forEach(Descriptor.close) }
            let outcome = Self.hook(path, bytes: FenceHook.greeting, descriptors: sent)
            try handoff.receive(milliseconds: 5000) { sockets in
                defer { sockets.close() }
                // Still waiting while serving starts.
                #expect(outcome.done.wait(timeout: .now() + 0.2) == .timedOut)
                return true
            }
            #expect(try #require(outcome.wait()).get() == FenceHook.acknowledgement)
        }

        @Test func whenServeFailsTheHookIsNotAcknowledgedAndNoDescriptorIsKept() throws {
            let handoff = try FenceHandoff(path: path)
            defer { handoff.close() }
            let sent = try Self.hookSockets()
            let inodes = sent.map(Loopback.inode)
            let outcome = Self.hook(path, bytes: FenceHook.greeting, descriptors: sent)
            #expect(throws: SystemCallError(code: ECANCELED)) {
                try handoff.receive(milliseconds: 5000) { _ in false }
            }
            #expect(try #require(outcome.wait()).get() == [])
            sent.forEach(Descriptor.close)
            for inode in inodes { #expect(Loopback.descriptors(referringTo: inode) == []) }
        }

        @Test(arguments: [
            (Array("mino-fence-hook 2\n".utf8), 3),
            (Array("mino-fence-hook 1\n".utf8) + [0], 3),
            (Array("hello".utf8), 3),
            (FenceHook.greeting, 0),
            (FenceHook.greeting, 1),
            (FenceHook.greeting, 2),
            (FenceHook.greeting, 4),
            (FenceHook.greeting, 5),
            (FenceHook.greeting, 8),
        ])
        func aWrongGreetingIsRefusedAndKeepsNoDescriptor(_ bytes: [UInt8], _ count: Int) throws {
            let handoff = try FenceHandoff(path: path)
            defer { handoff.close() }
            let sent = try (0..<count).map { _ in try Loopback.bound(Loopback.datagram) }
            let inodes = sent.map(Loopback.inode)
            let outcome = Self.hook(path, bytes: bytes, descriptors: sent)
            let served = Shared(false)
            do {
                try handoff.receive(milliseconds: 5000) { sockets in
                    served.with { $0 = true }
                    sockets.close()
                    return true
                }
                Issue.record("accepted \(count) descriptors with \(bytes)")
            } catch {
                // More descriptors than the receiver reads are cut by the kernel (EMSGSIZE).
                #expect(error.code == EPROTO || (count > 4 && error.code == EMSGSIZE), "\(error)")
            }
            #expect(!served.current)
            #expect(try #require(outcome.wait()).get() == [])
            sent.forEach(Descriptor.close)
            for inode in inodes { #expect(Loopback.descriptors(referringTo: inode) == []) }
        }

        @Test func noHookIsATimeout() throws {
            let handoff = try FenceHandoff(path: path)
            defer { handoff.close() }
            #expect(throws: SystemCallError(code: ETIMEDOUT)) {
                try handoff.receive(milliseconds: 50) { _ in true }
            }
        }

        @Test func theSocketFileIsPrivateAndRemovedOnClose() throws {
            let handoff = try FenceHandoff(path: path)
            var status = stat()
            #expect(lstat(path, &status) == 0)
            #expect(status.st_mode & S_IFMT == S_IFSOCK)
            #expect(status.st_mode & 0o777 == 0o600)
            handoff.close()
            #expect(lstat(path, &status) != 0)
        }

        @Test func aPathTooLongForTheSocketAddressIsRefused() {
            let long = directory.path + "/" + String(repeating: "x", count: UnixSocket.maximumPathLength)
            #expect(throws: SystemCallError(code: ENAMETOOLONG)) { try UnixSocket.listen(at: long) }
        }

        @Test func thePeerIsThisUser() throws {
            let listener = try UnixSocket.listen(at: path)
            defer { Descriptor.close(listener) }
            let client = try UnixSocket.connect(to: path)
            defer { Descriptor.close(client) }
            let connection = try UnixSocket.accept(listener, milliseconds: 2000)
            defer { Descriptor.close(connection) }
            let peer = try UnixSocket.peer(of: connection)
            #expect(peer.userID == getuid())
            #expect(peer.pid == getpid())
        }
    }
#endif
