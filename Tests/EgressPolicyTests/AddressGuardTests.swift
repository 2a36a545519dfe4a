import EgressPolicy
import PolicyModel
import Testing

@Suite struct AddressGuardTests {
    static func address(_ text: String) -> IPAddress {
        guard let address = IPAddress(text) else { preconditionFailure("bad fixture \(text)") }
        return address
    }

    static func network(_ text: String) -> IPNetwork {
        guard let network = IPNetwork(text) else { preconditionFailure("bad fixture \(text)") }
        return network
    }

    static let plain = AddressGuard(hostAddresses: [], allowPrivate: [])

    /// address → the refusal, or `nil` when a name may open it.
    @Test(arguments: [
        // Loopback and unspecified.
        ("127.0.0.1", AddressRefusal.loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        // Link-local and metadata (metadata wins over link-local and private).
        ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal),
        ("169.254.169.254", .metadata), ("fd00:ec2::254", .metadata), ("100.100.100.200", .metadata),
        // Private.
        ("10.0.0.1", .private), ("10.255.255.255", .private), ("172.16.0.1", .private), ("172.31.255.255", .private),
        ("192.168.1.1", .private), ("100.64.0.1", .private), ("100.127.255.255", .private), ("192.0.0.8", .private),
        ("198.18.0.1", .private), ("198.19.255.255", .private), ("fc00::1", .private), ("fd12:3456::1", .private),
        ("fec0::1", .private), ("64:ff9b:1::a00:1", .private),
        // Multicast, broadcast, reserved.
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast), ("ff05::1:3", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("255.255.255.254", .reserved),
        // IPv6 carrying IPv4: judged by the IPv4 address.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .metadata), ("::ffff:10.1.2.3", .private),
        ("::ffff:0.0.0.0", .unspecified), ("::127.0.0.1", .loopback), ("::10.0.0.1", .private),
        ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .metadata), ("64:ff9b::192.168.0.1", .private),
        ("2002:7f00:1::", .loopback), ("2002:a00:1::1", .private), ("::2", .unspecified),
    ])
    func refusedRanges(_ text: String, _ reason: AddressRefusal) {
        #expect(Self.plain.verdict(for: Self.address(text)) == .refused(reason), "\(text)")
    }

    @Test(arguments: [
        "192.0.2.1", "198.51.100.7", "203.0.113.255", "2001:db8::1", "2001:db8:ffff::53", "8.8.8.8", "1.1.1.1",
        "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255", "11.0.0.0",
        "223.255.255.255", "2606:4700::6810:23", "::ffff:192.0.2.1", "64:ff9b::203.0.113.5", "2002:c000:201::",
        "fe00::1", "64:ff9b:2::1",
    ])
    func publicAndDocumentationAddressesAreAllowed(_ text: String) {
        #expect(Self.plain.verdict(for: Self.address(text)) == .allowed, "\(text)")
    }

    @Test func theHostsOwnAddressesAreRefusedWhateverTheirRange() {
        let guarded = AddressGuard(
            hostAddresses: [Self.address("192.168.1.5"), Self.address("203.0.113.10"), Self.address("2001:db8::5")],
            allowPrivate: [Self.network("192.168.0.0/16")])
        #expect(guarded.verdict(for: Self.address("192.168.1.5")) == .refused(.host))
        #expect(guarded.verdict(for: Self.address("::ffff:192.168.1.5")) == .refused(.host))
        #expect(guarded.verdict(for: Self.address("203.0.113.10")) == .refused(.host))
        #expect(guarded.verdict(for: Self.address("2001:db8::5")) == .refused(.host))
        #expect(guarded.verdict(for: Self.address("192.168.1.6")) == .allowed)
        #expect(guarded.verdict(for: Self.address("203.0.113.11")) == .allowed)
    }

    @Test func allowPrivateReopensPrivateRangesOnly() {
        let guarded = AddressGuard(
            hostAddresses: [], allowPrivate: [Self.network("10.0.0.0/8"), Self.network("fd00::/8")])
        #expect(guarded.verdict(for: Self.address("10.1.2.3")) == .allowed)
        #expect(guarded.verdict(for: Self.address("::ffff:10.1.2.3")) == .allowed)
        #expect(guarded.verdict(for: Self.address("fd12::1")) == .allowed)
        #expect(guarded.verdict(for: Self.address("192.168.0.1")) == .refused(.private))
        #expect(guarded.verdict(for: Self.address("fd00:ec2::254")) == .refused(.metadata))
        #expect(guarded.verdict(for: Self.address("127.0.0.1")) == .refused(.loopback))
        #expect(guarded.verdict(for: Self.address("169.254.169.254")) == .refused(.metadata))
    }

    @Test func evenTheWidestBlockNeverReopensLoopbackOrMetadata() {
        let guarded = AddressGuard(
            hostAddresses: [Self.address("10.0.0.2")],
            allowPrivate: [Self.network("0.0.0.0/0"), Self.network("::/0")])
        for (text, reason) in [
            ("127.0.0.1", AddressRefusal.loopback), ("::1", .loopback), ("169.254.169.254", .metadata),
            ("fd00:ec2::254", .metadata), ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal),
            ("224.0.0.1", .multicast), ("255.255.255.255", .broadcast), ("0.0.0.0", .unspecified),
            ("10.0.0.2", .host), ("::ffff:127.0.0.1", .loopback),
        ] {
            #expect(guarded.verdict(for: Self.address(text)) == .refused(reason), "\(text)")
        }
        #expect(guarded.verdict(for: Self.address("10.0.0.3")) == .allowed)
        #expect(guarded.verdict(for: Self.address("172.20.0.1")) == .allowed)
    }

    @Test func embeddedIPv4IsFoundInEveryCarryingForm() {
        #expect(AddressGuard.embeddedIPv4(Self.address("::ffff:1.2.3.4"))?.description == "1.2.3.4")
        #expect(AddressGuard.embeddedIPv4(Self.address("::1.2.3.4"))?.description == "1.2.3.4")
        #expect(AddressGuard.embeddedIPv4(Self.address("64:ff9b::1.2.3.4"))?.description == "1.2.3.4")
        #expect(AddressGuard.embeddedIPv4(Self.address("2002:102:304::1"))?.description == "1.2.3.4")
        #expect(AddressGuard.embeddedIPv4(Self.address("::1")) == nil)
        #expect(AddressGuard.embeddedIPv4(Self.address("::")) == nil)
        #expect(AddressGuard.embeddedIPv4(Self.address("2001:db8::1")) == nil)
        #expect(AddressGuard.embeddedIPv4(Self.address("1.2.3.4")) == nil)
    }

    @Test func refusalsSpellLikeTheDecisionLog() {
        #expect(AddressRefusal.linkLocal.description == "link-local")
        #expect(
            AddressRefusal.allCases.map(\.rawValue).sorted() == [
                "broadcast", "host", "link-local", "loopback", "metadata", "multicast", "private", "reserved",
                "unspecified",
            ])
    }
}
