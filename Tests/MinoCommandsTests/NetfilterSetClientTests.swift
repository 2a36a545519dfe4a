#if os(Linux)
    import Backends
    import Diagnostics
    import Foundation
    import Glibc
    import HostProcess
    import PolicyModel
    import Testing

    @testable import PolicyExecutor

    /// The netlink set client against the real kernel: pins with timeouts, their refresh and
    /// expiry, what they open and what stays refused (with the refusal counted), and an
    /// unprivileged owner of a user namespace pinning through a socket handed out of it.
    ///
    /// Opt in with `MINO_INTEGRATION=1`; needs root, `ip`, `nft`, `unshare`, `runuser`,
    /// `/usr/bin/python3` and the rootless test user (`MINO_IT_USER`, default `minotest`, created
    /// by scripts/setup-integration). Every test works in network namespaces of its own and
    /// checks that the host's ruleset is the same afterwards.
    @Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1"))
    struct NetfilterSetClientTests {
        static let table = NftablesBackend.tableName
        static let pinned4 = NftablesBackend.pinnedIPv4Set
        static let pinned6 = NftablesBackend.pinnedIPv6Set

        /// A fence with a literal control (`198.51.100.3:9000`) and a name the pins open.
        static let fence: String = {
            let origin = Origin.preset(name: "test", location: nil)
            let network = NetworkPolicy(
                mode: Sourced(.allowlist, origin),
                rules: [
                    NetworkRule(host: .ipv4("198.51.100.3"), port: 9000, origin: origin),
                    NetworkRule(host: .name("service.test"), port: 8080, origin: origin),
                ], preset: nil, enforcement: Sourced(.netns, origin))
            return (try? NftablesBackend.ruleset(for: network)?.rendered) ?? ""
        }()

        static func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

        /// `elements(...)` as `address . port` → element, for pin sets.
        static func pins(_ client: NetfilterSetClient, _ set: String) throws -> [String: SetElement] {
            var result = [String: SetElement]()
            for element in try client.elements(table: table, set: set) {
                result["\(element.address) . \(element.port.map(String.init) ?? "-")"] = element
            }
            return result
        }

        /// Re-adding with the same timeout restarts the expiry too (the expiration is sent with
        /// it; with the timeout alone the kernel keeps the old expiry); control: an element not
        /// re-added keeps counting down.
        @Test func reAddingWithTheSameTimeoutRestartsTheExpiry() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.load(Self.fence)
            let client = NetfilterSetClient(descriptor: try namespace.openNetlinkSocket())
            let refreshed = PinnedElement(address: try Self.address("198.51.100.2"), port: 443)
            let left = PinnedElement(address: try Self.address("198.51.100.3"), port: 443)
            try client.add([refreshed, left], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 4000)
            Thread.sleep(forTimeInterval: 1.5)
            try client.add([refreshed], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 4000)
            let pins = try Self.pins(client, Self.pinned4)
            #expect((3000...4000).contains(pins["198.51.100.2 . 443"]?.expiresInMilliseconds ?? 0), "\(pins)")
            #expect((1...2600).contains(pins["198.51.100.3 . 443"]?.expiresInMilliseconds ?? 0), "\(pins)")
        }

        @Test func pinsAreAddedWithTimeoutsAndReAddingRefreshesThem() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.load(Self.fence)
            let client = NetfilterSetClient(descriptor: try namespace.openNetlinkSocket())

            try client.add(
                [
                    PinnedElement(address: try Self.address("198.51.100.2"), port: 443),
                    PinnedElement(address: try Self.address("198.51.100.3"), port: 443),
                ], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 60_000)
            try client.add(
                [PinnedElement(address: try Self.address("2001:db8::2"), port: 8443)], table: Self.table,
                set: Self.pinned6, timeoutMilliseconds: 90_000)
            let listing = try namespace.nft(["list", "set", "inet", Self.table, Self.pinned4])
            #expect(listing.contains("198.51.100.2 . 443 timeout 1m expires"), "\(listing)")
            #expect(listing.contains("198.51.100.3 . 443 timeout 1m expires"), "\(listing)")
            let listing6 = try namespace.nft(["list", "set", "inet", Self.table, Self.pinned6])
            #expect(listing6.contains("2001:db8::2 . 8443 timeout 1m30s expires"), "\(listing6)")

            var pins = try Self.pins(client, Self.pinned4)
            #expect(pins.count == 2)
            #expect(pins["198.51.100.2 . 443"]?.timeoutMilliseconds == 60_000)
            #expect((1...60_000).contains(pins["198.51.100.2 . 443"]?.expiresInMilliseconds ?? 0))
            #expect(try Self.pins(client, Self.pinned6)["2001:db8::2 . 8443"]?.timeoutMilliseconds == 90_000)

            // Re-adding updates the element in place: the new timeout, the expiry restarted;
            // the element beside it keeps its own.
            try client.add(
                [PinnedElement(address: try Self.address("198.51.100.2"), port: 443)], table: Self.table,
                set: Self.pinned4, timeoutMilliseconds: 600_000)
            pins = try Self.pins(client, Self.pinned4)
            #expect(pins.count == 2)
            #expect(pins["198.51.100.2 . 443"]?.timeoutMilliseconds == 600_000)
            #expect((60_001...600_000).contains(pins["198.51.100.2 . 443"]?.expiresInMilliseconds ?? 0))
            #expect(pins["198.51.100.3 . 443"]?.timeoutMilliseconds == 60_000)
            let refreshed = try namespace.nft(["list", "set", "inet", Self.table, Self.pinned4])
            #expect(refreshed.contains("198.51.100.2 . 443 timeout 10m expires"), "\(refreshed)")

            // The last add wins even when it is shorter.
            try client.add(
                [PinnedElement(address: try Self.address("198.51.100.2"), port: 443)], table: Self.table,
                set: Self.pinned4, timeoutMilliseconds: 30_000)
            #expect(try Self.pins(client, Self.pinned4)["198.51.100.2 . 443"]?.timeoutMilliseconds == 30_000)
        }

        @Test func aLargeAddIsSplitIntoMessagesOfOneBatchAndReadBackWhole() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.load(Self.fence)
            let client = NetfilterSetClient(descriptor: try namespace.openNetlinkSocket())
            // More than two messages' worth, and a dump longer than one datagram.
            let count = NetfilterSetClient.elementsPerMessage * 2 + 100
            let pins = try (0..<count).map {
                PinnedElement(address: try Self.address("2001:db8::\(String($0, radix: 16))"), port: 443)
            }
            try client.add(pins, table: Self.table, set: Self.pinned6, timeoutMilliseconds: 60_000)
            let read = try client.elements(table: Self.table, set: Self.pinned6)
            #expect(Set(read.map { PinnedElement(address: $0.address, port: $0.port ?? 0) }) == Set(pins))
            #expect(read.allSatisfy { $0.timeoutMilliseconds == 60_000 })
            let listing = try namespace.nft(["list", "set", "inet", Self.table, Self.pinned6])
            #expect(listing.components(separatedBy: " timeout 1m ").count == count + 1)
        }

        @Test func refusalsAreReportedWithTheKernelsErrno() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.load(Self.fence)
            let client = NetfilterSetClient(descriptor: try namespace.openNetlinkSocket())
            let pin = PinnedElement(address: try Self.address("198.51.100.2"), port: 443)
            let pin6 = PinnedElement(address: try Self.address("2001:db8::2"), port: 443)

            // Control: the same pin into the existing set is accepted.
            try client.add([pin], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 1000)
            #expect(throws: NetlinkError(.kernel, code: ENOENT, operation: "add elements to mino nowhere")) {
                try client.add([pin], table: Self.table, set: "nowhere", timeoutMilliseconds: 1000)
            }
            #expect(throws: NetlinkError(.kernel, code: EINVAL, operation: "add elements to mino pinned4")) {
                try client.add([pin6], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 1000)
            }
            #expect(throws: NetlinkError(.invalidArgument, operation: "add elements to mino pinned4")) {
                try client.add([pin, pin6], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 1000)
            }
            #expect(throws: NetlinkError(.invalidArgument, operation: "add elements to mino pinned4")) {
                try client.add([pin], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 0)
            }
            #expect(throws: NetlinkError(.kernel, code: ENOENT, operation: "read the key type of mino nowhere")) {
                _ = try client.elements(table: Self.table, set: "nowhere")
            }
            // A failed batch added nothing, and the client still works after every refusal.
            #expect(try Self.pins(client, Self.pinned4).keys.sorted() == ["198.51.100.2 . 443"])
            #expect(try client.elements(table: Self.table, set: Self.pinned6).isEmpty)
        }

        @Test func aPinExpiresAfterItsTimeout() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.load(Self.fence)
            let client = NetfilterSetClient(descriptor: try namespace.openNetlinkSocket())
            let short = PinnedElement(address: try Self.address("198.51.100.2"), port: 443)
            let long = PinnedElement(address: try Self.address("198.51.100.2"), port: 8443)
            try client.add([short], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 1000)
            try client.add([long], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 60_000)
            #expect(try Self.pins(client, Self.pinned4).count == 2)

            let start = ContinuousClock.now
            var pins = try Self.pins(client, Self.pinned4)
            while pins["198.51.100.2 . 443"] != nil, ContinuousClock.now - start < .seconds(5) {
                usleep(100_000)
                pins = try Self.pins(client, Self.pinned4)
            }
            let elapsed = ContinuousClock.now - start
            #expect(pins["198.51.100.2 . 443"] == nil, "the 1 s pin was still there after \(elapsed)")
            #expect(elapsed < .seconds(3))
            #expect(pins["198.51.100.2 . 8443"] != nil, "the 60 s pin beside it expired too")
        }

        @Test func pinsOpenExactlyTheirAddressAndPortAndRefusalsAreCounted() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let fenced = try TestNamespace()
            defer { fenced.remove() }
            let server = try TestNamespace()
            defer { server.remove() }
            try KernelFixture.link(fenced: fenced, server: server)
            try fenced.load(Self.fence)
            // Listeners on every address of the server side: 198.51.100.2, 198.51.100.3 and
            // 2001:db8::2. The kernel completes handshakes into the backlog, so nothing accepts.
            let listeners = try [8080, 8081, 9000].map { try server.listen(port: UInt16($0)) }
            defer { for listener in listeners { _ = close(listener) } }
            let client = NetfilterSetClient(descriptor: try fenced.openNetlinkSocket())
            let target = try Self.address("198.51.100.2")
            let target6 = try Self.address("2001:db8::2")

            // Before any pin: the literal rule's address connects (the path works), the name's does not.
            #expect(try fenced.connect(try Self.address("198.51.100.3"), 9000) == .connected)
            #expect(try fenced.connect(target, 8080) == .refused)
            #expect(try fenced.connect(target6, 8080) == .refused)

            try client.add(
                [PinnedElement(address: target, port: 8080)], table: Self.table, set: Self.pinned4,
                timeoutMilliseconds: 60_000)
            try client.add(
                [PinnedElement(address: target6, port: 8080)], table: Self.table, set: Self.pinned6,
                timeoutMilliseconds: 60_000)
            #expect(try fenced.connect(target, 8080) == .connected)
            #expect(try fenced.connect(target, 8081) == .refused)
            #expect(try fenced.connect(target6, 8080) == .connected)
            #expect(try fenced.connect(target6, 8081) == .refused)
            // The literal's address is open on its own port only.
            #expect(try fenced.connect(try Self.address("198.51.100.3"), 8080) == .refused)
            // UDP and ICMP to the pinned address are refused as well (pins are TCP).
            #expect(try fenced.sendDatagram(to: target, port: 5353) == EPERM)
            #expect(try fenced.sendEchoRequest(to: target) == EPERM)

            let denied = try client.elements(table: Self.table, set: NftablesBackend.deniedIPv4Set)
            func counted(_ address: String, _ proto: UInt8, _ port: UInt16) -> UInt64 {
                denied.first { "\($0.address)" == address && $0.ipProtocol == proto && $0.port == port }?.packets ?? 0
            }
            #expect(counted("198.51.100.2", 6, 8081) >= 1, "\(denied)")
            #expect(counted("198.51.100.2", 6, 8080) >= 1, "the refusal before the pin: \(denied)")
            #expect(counted("198.51.100.3", 6, 8080) >= 1, "\(denied)")
            #expect(counted("198.51.100.2", 17, 5353) >= 1, "\(denied)")
            #expect(!denied.contains { $0.port == 9000 }, "accepted traffic was counted: \(denied)")
            #expect(denied.allSatisfy { ($0.bytes ?? 0) > 0 && $0.timeoutMilliseconds == nil })
            let denied6 = try client.elements(table: Self.table, set: NftablesBackend.deniedIPv6Set)
            #expect(denied6.contains { "\($0.address)" == "2001:db8::2" && $0.port == 8081 && ($0.packets ?? 0) >= 1 })
            let other = try client.elements(table: Self.table, set: NftablesBackend.deniedOtherIPv4Set)
            #expect(other.contains { "\($0.address)" == "198.51.100.2" && $0.ipProtocol == 1 && $0.port == nil })
            // The same numbers as nft's own listing.
            let listing = try fenced.nft(["list", "set", "inet", Self.table, NftablesBackend.deniedIPv4Set])
            #expect(
                listing.contains("198.51.100.2 . tcp . 8081 counter packets \(counted("198.51.100.2", 6, 8081)) "),
                "\(listing)")
        }

        /// The design question: an unprivileged user who owns a user namespace creates the
        /// namespaces (as rootless podman does), a process inside loads the fence and hands a
        /// netlink socket out; the user, outside, pins through it.
        @Test func rootlessOwnerAddsPinsThroughAHandedOverSocket() throws {
            try KernelFixture.requireRoot()
            let host = KernelFixture.hostRuleset()
            defer { #expect(KernelFixture.hostRuleset() == host, "the host's ruleset changed") }
            let user = try #require(
                KernelFixture.user(ProcessInfo.processInfo.environment["MINO_IT_USER"] ?? "minotest"),
                "no rootless test user: run scripts/setup-integration")
            let directory = try TemporaryDirectory()
            let fencePath = try directory.write("fence.nft", Self.fence)
            chmod(directory.path, 0o755)
            let inside = try UserNamespaceChild(user: user.name, fencePath: fencePath, directory: directory.path)
            defer { inside.finish() }
            let socket = try inside.receiveNetlinkSocket()

            // The user's own credentials on a thread of this process (the kernel checks the
            // sending thread's): uid and gid, no groups, no capabilities.
            let pin = PinnedElement(address: try Self.address("198.51.100.9"), port: 443)
            // The same socket in the hands of a user who does not own the namespace is refused:
            // what the kernel grants is the owner's capabilities, not the socket's.
            let stranger = try #require(KernelFixture.user("nobody"))
            let copy = fcntl(socket, F_DUPFD_CLOEXEC, 3)
            try #require(copy >= 0)
            let strangerFailure = try KernelFixture.asUser(stranger) { () -> NetlinkError? in
                do throws(NetlinkError) {
                    try NetfilterSetClient(descriptor: copy).add(
                        [pin], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 60_000)
                    return nil
                } catch { return error }
            }
            #expect(
                strangerFailure?.kind == .kernel && strangerFailure?.code == EPERM,
                "\(String(describing: strangerFailure))")
            let outcome = try KernelFixture.asUser(user) { () -> (String, NetlinkError?, [SetElement], NetlinkError?) in
                let status = (try? String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8)) ?? ""
                let identity = status.split(separator: "\n").filter { $0.hasPrefix("Uid:") || $0.hasPrefix("CapEff:") }
                    .joined(separator: " ")
                let client = NetfilterSetClient(descriptor: socket)
                var added: NetlinkError?
                var pins = [SetElement]()
                do throws(NetlinkError) {
                    try client.add([pin], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 60_000)
                    pins = try client.elements(table: Self.table, set: Self.pinned4)
                } catch { added = error }
                // Control: the same user on a socket of the host's namespace is refused.
                var refused: NetlinkError?
                do throws(NetlinkError) {
                    let hostClient = NetfilterSetClient(descriptor: try NetfilterSetClient.openInCurrentNamespace())
                    try hostClient.add([pin], table: Self.table, set: Self.pinned4, timeoutMilliseconds: 60_000)
                } catch { refused = error }
                return (identity, added, pins, refused)
            }
            let (identity, added, pins, refused) = outcome
            #expect(identity.contains("Uid:\t\(user.uid)\t\(user.uid)\t\(user.uid)"), "\(identity)")
            #expect(identity.contains("CapEff:\t0000000000000000"), "\(identity)")
            #expect(added == nil, "the owner could not pin: \(String(describing: added))")
            #expect(pins.map { "\($0.address) . \($0.port ?? 0)" } == ["198.51.100.9 . 443"])
            #expect(refused?.kind == .kernel && refused?.code == EPERM, "\(String(describing: refused))")

            // The namespace's own nft sees the pin.
            let listing = try inside.listPins()
            #expect(listing.contains("198.51.100.9 . 443 timeout 1m expires"), "\(listing)")
        }
    }

    /// The wire format without a kernel: key layouts and the exact bytes of what is sent.
    @Suite struct NetfilterSetEncodingTests {
        @Test func keyTypesDecodeIntoLayouts() {
            // nft packs datatypes 6 bits each: ipv4_addr 7, ipv6_addr 8, inet_proto 12, inet_service 13.
            #expect(SetKeyLayout(keyType: 7 << 6 | 13, keyLength: 8) == .pinned(.ipv4))
            #expect(SetKeyLayout(keyType: 8 << 6 | 13, keyLength: 20) == .pinned(.ipv6))
            #expect(
                SetKeyLayout(keyType: (7 << 6 | 12) << 6 | 13, keyLength: 12)
                    == SetKeyLayout(family: .ipv4, hasProtocol: true, hasPort: true))
            #expect(
                SetKeyLayout(keyType: 8 << 6 | 12, keyLength: 20)
                    == SetKeyLayout(family: .ipv6, hasProtocol: true, hasPort: false))
            #expect(
                SetKeyLayout(keyType: 7, keyLength: 4)
                    == SetKeyLayout(family: .ipv4, hasProtocol: false, hasPort: false))
            #expect(SetKeyLayout(keyType: 7 << 6 | 13, keyLength: 6) == nil)  // unpadded: not nft's layout
            #expect(SetKeyLayout(keyType: 13 << 6 | 7, keyLength: 8) == nil)  // port first
            #expect(SetKeyLayout(keyType: 7 << 6 | 9, keyLength: 8) == nil)  // ether_addr
            #expect(SetKeyLayout(keyType: 0, keyLength: 0) == nil)
        }

        @Test func keysArePaddedComponentsWithThePortBigEndian() throws {
            let pin = PinnedElement(address: try #require(IPAddress("198.51.100.2")), port: 443)
            #expect(SetKeyLayout.pinned(.ipv4).key(for: pin) == [198, 51, 100, 2, 0x01, 0xBB, 0, 0])
            #expect(SetKeyLayout.pinned(.ipv6).key(for: pin) == nil)
            let layout = SetKeyLayout(family: .ipv6, hasProtocol: true, hasPort: true)
            let key: [UInt8] =
                [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [7, 17, 0, 0, 0, 0x14, 0xE9, 0, 0]
            let decoded = try #require(layout.decode(key[...]))
            #expect("\(decoded.address)" == "2001:db8::7" && decoded.ipProtocol == 17 && decoded.port == 5353)
            #expect(layout.decode(key.dropLast()) == nil)
        }

        @Test func messagesAreHeaderThenAlignedAttributes() throws {
            var writer = NetlinkWriter()
            writer.beginMessage(type: 0x0A0C, flags: 0x0405, sequence: 7, family: 1)
            writer.attribute(1, string: "mino")
            writer.nested(3) { $0.attribute(4, bigEndian: 1000) }
            writer.endMessage()
            func host32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
            func host16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
            let expected: [UInt8] =
                host32(48) + host16(0x0A0C) + host16(0x0405) + host32(7) + host32(0)  // nlmsghdr
                + [1, 0, 0, 0]  // nfgenmsg: NFPROTO_INET, version 0, resource id 0
                + host16(9) + host16(1) + Array("mino".utf8) + [0, 0, 0, 0]  // string, NUL, padding
                + host16(16) + host16(3 | 0x8000) + host16(12) + host16(4) + [0, 0, 0, 0, 0, 0, 0x03, 0xE8]
            #expect(writer.bytes == expected)

            let message = try #require(try NetlinkMessage.split(writer.bytes[...]).first)
            #expect(message.type == 0x0A0C && message.sequence == 7)
            let attributes = try NetlinkAttributes(message.payload)
            #expect(attributes.string(1) == "mino")
            #expect(try NetlinkAttributes(try #require(attributes[3])).bigEndian64(4) == 1000)
        }

        @Test func truncatedAnswersAreRefused() {
            var writer = NetlinkWriter()
            writer.beginMessage(type: 0x0A0C, flags: 0, sequence: 1, family: 1)
            writer.attribute(1, string: "mino")
            writer.endMessage()
            #expect(throws: NetlinkError.self) { try NetlinkMessage.split(writer.bytes.dropLast(4)) }
            #expect(throws: NetlinkError.self) { try NetlinkAttributes([12, 0, 1, 0, 0, 0]) }
        }
    }

    /// Host tools and per-thread system calls for the kernel tests.
    enum KernelFixture {
        static let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"]

        /// Fails the test unless it runs as root.
        static func requireRoot() throws {
            try #require(geteuid() == 0, "the netfilter set client tests need root")
        }

        /// Runs a program to completion (at most 20 s).
        @discardableResult
        static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
            let spec = ProcessSpec(
                executable, arguments, environment: environment,
                input: input.map { .bytes(Array($0.utf8)) } ?? .null)
            let result = try SystemCommandRunner().run(spec, timeout: .seconds(20))
            try #require(result.succeeded, "\(executable) \(arguments): \(result.errorText)")
            return result.outputText
        }

        /// The host's ruleset without counters (`nft -s`), leaving out what podman's networks
        /// change concurrently: tables named `netavark`, chains named `NETAVARK…` and jumps to them.
        static func hostRuleset() -> String {
            guard let text = try? run("/usr/sbin/nft", ["-s", "list", "ruleset"]) else { return "unreadable" }
            var kept = [Substring]()
            var skipping: String?
            for line in text.split(separator: "\n") {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                let depth = line.prefix { $0 == "\t" }.count
                if let closing = skipping {
                    if trimmed == "}", String(line.prefix(depth)) == closing { skipping = nil }
                    continue
                }
                if trimmed.hasPrefix("table ") && trimmed.contains("netavark")
                    || trimmed.hasPrefix("chain NETAVARK")
                {
                    skipping = String(line.prefix(depth))
                    continue
                }
                if trimmed.contains("NETAVARK") || trimmed.hasPrefix("# Warning") { continue }
                kept.append(line)
            }
            return kept.joined(separator: "\n")
        }

        /// Joins two namespaces with a veth pair: `198.51.100.1`/`2001:db8::1` on the fenced
        /// side, `198.51.100.2`, `198.51.100.3` and `2001:db8::2` on the server side.
        static func link(fenced: TestNamespace, server: TestNamespace) throws {
            try run(
                "/usr/sbin/ip",
                [
                    "link", "add", "mino0", "netns", fenced.name, "type", "veth", "peer", "name", "mino1", "netns",
                    server.name,
                ])
            for (namespace, device, addresses) in [
                (fenced, "mino0", ["198.51.100.1/24", "2001:db8::1/64"]),
                (server, "mino1", ["198.51.100.2/24", "198.51.100.3/24", "2001:db8::2/64"]),
            ] {
                for address in addresses {
                    // No duplicate address detection: the address is usable at once.
                    try run("/usr/sbin/ip", ["-n", namespace.name, "addr", "add", address, "dev", device, "nodad"])
                }
                try run("/usr/sbin/ip", ["-n", namespace.name, "link", "set", device, "up"])
            }
        }

        /// The name, uid and gid of a user, or `nil`.
        static func user(_ name: String) -> (name: String, uid: uid_t, gid: gid_t)? {
            guard let entry = getpwnam(name) else { return nil }
            return (name, entry.pointee.pw_uid, entry.pointee.pw_gid)
        }

        /// `syscall(2)`, called with three arguments. It is variadic in C, which Swift cannot
        /// call; on x86-64 and arm64 Linux a variadic call passes integers as a plain call does.
        private typealias Syscall = @convention(c) (Int, Int, Int, Int) -> Int
        /// `setns(2)`, a GNU extension the `Glibc` module leaves out.
        private typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32

        private static func symbol<Function>(_ name: String, as type: Function.Type) throws -> Function {
            let address = try #require(dlsym(dlopen(nil, RTLD_NOW), name), "no \(name) in the C library")
            return unsafeBitCast(address, to: type)
        }

        #if arch(x86_64)
            private static let numbers = (setgroups: 116, setresuid: 117, setresgid: 119)
        #elseif arch(arm64)
            private static let numbers = (setgroups: 159, setresuid: 147, setresgid: 149)
        #endif

        /// Runs `body` on a new thread that first enters the network namespace at `path`, and
        /// returns its result. `setns` changes the calling thread only, so the test's own threads
        /// stay where they are.
        static func inNetworkNamespace<Result>(_ path: String, _ body: @escaping @Sendable () throws -> Result)
            throws -> Result
        {
            let setns = try symbol("setns", as: SetNamespace.self)
            return try onNewThread {
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                try #require(descriptor >= 0, "cannot open \(path)")
                defer { _ = close(descriptor) }
                try #require(setns(descriptor, 0x4000_0000) == 0, "setns \(path): errno \(errno)")  // CLONE_NEWNET
                return try body()
            }
        }

        /// Runs `body` on a new thread that first takes `user`'s uid and gid with no
        /// supplementary groups, through raw system calls: glibc's `setresuid` would change every
        /// thread of the test process. The thread ends afterwards, its credentials with it.
        static func asUser<Result>(
            _ user: (name: String, uid: uid_t, gid: gid_t), _ body: @escaping @Sendable () throws -> Result
        ) throws -> Result {
            let call = try symbol("syscall", as: Syscall.self)
            return try onNewThread {
                let (uid, gid) = (Int(user.uid), Int(user.gid))
                try #require(call(numbers.setgroups, 0, 0, 0) == 0, "setgroups")
                try #require(call(numbers.setresgid, gid, gid, gid) == 0, "setresgid")
                try #require(call(numbers.setresuid, uid, uid, uid) == 0, "setresuid")
                return try body()
            }
        }

        private final class Outcome<Value>: @unchecked Sendable {
            var value: Swift.Result<Value, any Error>?
        }

        private static func onNewThread<Value>(_ body: @escaping @Sendable () throws -> Value) throws -> Value {
            let outcome = Outcome<Value>()
            let finished = DispatchSemaphore(value: 0)
            let thread = Thread {
                outcome.value = Swift.Result(catching: body)
                finished.signal()
            }
            thread.start()
            finished.wait()
            return try #require(outcome.value).get()
        }
    }

    /// A named network namespace of its own (`ip netns add mino-test-<pid>-<n>`).
    final class TestNamespace: Sendable {
        let name: String
        var path: String { "/run/netns/" + name }

        private static let counter = Counter()
        private final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var value = 0
            func next() -> Int {
                lock.lock()
                defer { lock.unlock() }
                value += 1
                return value
            }
        }

        /// How a TCP connection attempt ended.
        enum Connection: Equatable {
            case connected
            case refused
            case failed(Int32)
        }

        init() throws {
            name = "mino-test-\(getpid())-\(Self.counter.next())"
            try KernelFixture.run("/usr/sbin/ip", ["netns", "add", name])
            try KernelFixture.run("/usr/sbin/ip", ["-n", name, "link", "set", "lo", "up"])
        }

        /// Deletes the namespace (its veth goes with it).
        func remove() {
            _ = try? KernelFixture.run("/usr/sbin/ip", ["netns", "delete", name])
        }

        /// Loads an nftables file with `nft -f -` inside.
        func load(_ text: String) throws {
            try KernelFixture.run("/usr/sbin/ip", ["netns", "exec", name, "/usr/sbin/nft", "-f", "-"], input: text)
        }

        /// Runs `nft` inside.
        func nft(_ arguments: [String]) throws -> String {
            try KernelFixture.run("/usr/sbin/ip", ["netns", "exec", name, "/usr/sbin/nft"] + arguments)
        }

        /// A socket created inside: it stays in this namespace whichever thread uses it.
        func socket(_ domain: Int32, _ type: Int32, _ proto: Int32) throws -> Int32 {
            let descriptor = try KernelFixture.inNetworkNamespace(path) {
                Glibc.socket(domain, type | Int32(SOCK_CLOEXEC.rawValue), proto)
            }
            try #require(descriptor >= 0, "socket: errno \(errno)")
            return descriptor
        }

        /// A netfilter netlink socket opened inside.
        func openNetlinkSocket() throws -> Int32 {
            try KernelFixture.inNetworkNamespace(path) { try NetfilterSetClient.openInCurrentNamespace() }
        }

        /// A TCP listener on every IPv4 and IPv6 address inside, at `port`.
        func listen(port: UInt16) throws -> Int32 {
            let descriptor = try socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            var off: Int32 = 0
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
            try #require(bound == 0 && Glibc.listen(descriptor, 16) == 0, "listen on \(port): errno \(errno)")
            return descriptor
        }

        /// Connects from inside to `address`:`port` (at most 3 s).
        func connect(_ address: IPAddress, _ port: UInt16) throws -> Connection {
            let descriptor = try socket(Self.domain(address), Int32(SOCK_STREAM.rawValue), 0)
            defer { _ = close(descriptor) }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            let started = Self.withAddress(address, port) { Glibc.connect(descriptor, $0, $1) }
            if started != 0 {
                guard errno == EINPROGRESS else { return errno == ECONNREFUSED ? .refused : .failed(errno) }
                var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard poll(&waiting, 1, 3000) == 1 else { return .failed(ETIMEDOUT) }
            }
            var problem: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &problem, &length)
            switch problem {
            case 0: return .connected
            case ECONNREFUSED: return .refused
            default: return .failed(problem)
            }
        }

        /// Sends one UDP datagram from inside; the `errno` of `sendto`, or 0.
        func sendDatagram(to address: IPAddress, port: UInt16) throws -> Int32 {
            let descriptor = try socket(Self.domain(address), Int32(SOCK_DGRAM.rawValue), 0)
            defer { _ = close(descriptor) }
            let sent = Self.withAddress(address, port) { sendto(descriptor, "x", 1, 0, $0, $1) }
            return sent < 0 ? errno : 0
        }

        /// Sends one ICMP echo request from inside (a raw socket); the `errno` of `sendto`, or 0.
        func sendEchoRequest(to address: IPAddress) throws -> Int32 {
            let descriptor = try socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
            defer { _ = close(descriptor) }
            let request: [UInt8] = [8, 0, 0xF7, 0xFF, 0, 0, 0, 0]  // type 8, code 0, checksum, id 0, seq 0
            let sent = Self.withAddress(address, 0) { sendto(descriptor, request, request.count, 0, $0, $1) }
            return sent < 0 ? errno : 0
        }

        private static func domain(_ address: IPAddress) -> Int32 { address.family == .ipv4 ? AF_INET : AF_INET6 }

        private static func withAddress<Result>(
            _ address: IPAddress, _ port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
        ) -> Result {
            if address.family == .ipv4 {
                var socketAddress = sockaddr_in()
                socketAddress.sin_family = sa_family_t(AF_INET)
                socketAddress.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: address.bytes) }
                return withUnsafePointer(to: &socketAddress) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: address.bytes) }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// `unshare -Urn` run by the rootless test user: inside its own user and network namespaces
    /// it loads the fence with nft and sends a netfilter netlink socket back over its standard
    /// input (a Unix socket pair, SCM_RIGHTS); on `L` it lists the pin set with nft and sends the
    /// listing. Every wait is bounded.
    final class UserNamespaceChild {
        private static let script = """
            import socket, subprocess, sys
            control = socket.socket(fileno=0)
            loaded = subprocess.run(["/usr/sbin/nft", "-f", sys.argv[1]], capture_output=True, text=True)
            if loaded.returncode != 0:
                control.sendall(b"E" + loaded.stderr.encode())
                sys.exit(1)
            netlink = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
            socket.send_fds(control, [b"F"], [netlink.fileno()])
            netlink.close()
            if control.recv(1) == b"L":
                listing = subprocess.run(["/usr/sbin/nft", "list", "set", "inet", "mino", "pinned4"],
                                         capture_output=True, text=True)
                control.sendall((listing.stdout + listing.stderr).encode())
            """

        private let process = Process()
        private let control: Int32

        init(user: String, fencePath: String, directory: String) throws {
            var pair: [Int32] = [-1, -1]
            try #require(
                socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
            control = pair[0]
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = [
                "-u", user, "--", "/usr/bin/unshare", "-Urn", "/usr/bin/python3", "-c", Self.script, fencePath,
            ]
            process.environment = KernelFixture.environment
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let childEnd = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
            process.standardInput = childEnd
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Only the child holds its end now, so its exit is our end of file.
            try childEnd.close()
        }

        /// Waits (at most 20 s) for the child's socket.
        func receiveNetlinkSocket() throws -> Int32 {
            try #require(wait(), "the child sent nothing")
            var marker: UInt8 = 0
            var ancillary = [UInt8](repeating: 0, count: 64)
            let received = withUnsafeMutablePointer(to: &marker) { markerPointer in
                ancillary.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: UnsafeMutableRawPointer(markerPointer), iov_len: 1)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var header = msghdr()
                        header.msg_iov = vectorPointer
                        header.msg_iovlen = 1
                        header.msg_control = controlBytes.baseAddress
                        header.msg_controllen = controlBytes.count
                        let count = recvmsg(self.control, &header, Int32(MSG_CMSG_CLOEXEC))
                        return (count, header.msg_controllen)
                    }
                }
            }
            if marker == UInt8(ascii: "E") {
                Issue.record("the child could not load the fence: \(readAll())")
            }
            try #require(received.0 == 1 && marker == UInt8(ascii: "F"), "no socket from the child")
            // One cmsghdr (length, level, type) followed by one descriptor.
            let header = MemoryLayout<cmsghdr>.size
            try #require(received.1 >= header + 4)
            let (level, type, descriptor) = ancillary.withUnsafeBytes {
                (
                    $0.load(fromByteOffset: 8, as: Int32.self), $0.load(fromByteOffset: 12, as: Int32.self),
                    $0.load(fromByteOffset: header, as: Int32.self)
                )
            }
            try #require(level == SOL_SOCKET && type == 1, "not SCM_RIGHTS")
            return descriptor
        }

        /// Asks the child for `nft list set inet mino pinned4` and returns it.
        func listPins() throws -> String {
            try #require(write(control, "L", 1) == 1)
            return readAll()
        }

        /// Closes the socket pair (the child exits on end of file) and reaps the child, killing
        /// it after 10 s.
        func finish() {
            _ = close(control)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        private func wait(seconds: Int32 = 20) -> Bool {
            var waiting = pollfd(fd: control, events: Int16(POLLIN), revents: 0)
            return poll(&waiting, 1, seconds * 1000) == 1
        }

        private func readAll() -> String {
            var text = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            // The child exits after its answer: read to end of file.
            while wait(), case let count = read(control, &buffer, buffer.count), count > 0 {
                text += buffer[0..<count]
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
#endif
