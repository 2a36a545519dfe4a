import PolicyModel

/// The rebinding guard: which addresses an answer for an allowed *name* may open.
///
/// A name is controlled by whoever runs its DNS, so an allowed name must never become a way
/// into the machine or its network: loopback, unspecified, link-local, cloud metadata, private,
/// multicast, broadcast, reserved and the host's own addresses are refused. Only a rule that
/// names the literal address opens one of those (the guard is not asked about literals).
///
/// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they
/// carry, so `::ffff:127.0.0.1` is loopback.
///
/// `allowPrivate` (the user's `network.allow_private`) reopens addresses refused as *private*
/// only, and only where a block covers them: never loopback, link-local, metadata, multicast or
/// the host's own addresses, whatever the block says (`0.0.0.0/0` reopens the private ranges
/// and nothing else). The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
/// 2001:db8::/32) are allowed like any public address.
public struct AddressGuard: Sendable {
    /// The host's own addresses, unwrapped to IPv4 where they carry one.
    private let hostAddresses: Set<IPAddress>
    /// Blocks reopening private addresses.
    private let allowPrivate: [IPNetwork]

    /// A guard for a host with these addresses (every interface's), reopening private addresses
    /// inside `allowPrivate`.
    public init(hostAddresses: [IPAddress], allowPrivate: [IPNetwork]) {
        self.hostAddresses = Set(hostAddresses.map(AddressGuard.effective))
        self.allowPrivate = allowPrivate
    }

    /// Whether an answer for an allowed name may open `address`.
    public func verdict(for address: IPAddress) -> AddressVerdict {
        let judged = AddressGuard.effective(address)
        if let reason = AddressGuard.fixedRefusal(judged) { return .refused(reason) }
        if hostAddresses.contains(judged) { return .refused(.host) }
        if AddressGuard.isPrivate(judged) {
            let reopened = allowPrivate.contains { $0.contains(judged) || $0.contains(address) }
            return reopened ? .allowed : .refused(.private)
        }
        return .allowed
    }

    /// The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or `nil`.
    /// `::` and `::1` carry none: they are IPv6's own unspecified and loopback addresses.
    public static func embeddedIPv4(_ address: IPAddress) -> IPAddress? {
        let bytes = address.bytes
        guard bytes.count == 16 else { return nil }
        let tail = Array(bytes[12..<16])
        if bytes[0..<10].allSatisfy({ $0 == 0 }) {
            if bytes[10] == 0xFF, bytes[11] == 0xFF { return IPAddress(bytes: tail) }  // ::ffff:0:0/96
            if bytes[10] == 0, bytes[11] == 0, tail != [0, 0, 0, 0], tail != [0, 0, 0, 1] {
                return IPAddress(bytes: tail)  // ::a.b.c.d (compatible), not :: or ::1
            }
            return nil
        }
        if bytes[0..<12].elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]) {
            return IPAddress(bytes: tail)  // 64:ff9b::/96
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }  // 2002::/16
        return nil
    }

    /// The address the guard judges: the carried IPv4 address, else the address itself.
    static func effective(_ address: IPAddress) -> IPAddress {
        embeddedIPv4(address) ?? address
    }

    /// Refusals nothing reopens, in order of precedence (metadata before link-local and private,
    /// so `169.254.169.254` says metadata).
    static func fixedRefusal(_ address: IPAddress) -> AddressRefusal? {
        let ranges = address.family == .ipv4 ? fixedIPv4 : fixedIPv6
        return ranges.first { $0.network.contains(address) }?.reason
    }

    /// Whether `address` is in a private range (the only ones `allowPrivate` reopens).
    static func isPrivate(_ address: IPAddress) -> Bool {
        (address.family == .ipv4 ? privateIPv4 : privateIPv6).contains { $0.contains(address) }
    }

    /// The blocks of a table. INVARIANT: every literal is a valid block; a typo would drop one,
    /// which the guard's range tests catch.
    private static func blocks(_ table: [(String, AddressRefusal)]) -> [(network: IPNetwork, reason: AddressRefusal)] {
        table.compactMap { text, reason in IPNetwork(text).map { ($0, reason) } }
    }

    private static let fixedIPv4 = blocks([
        ("169.254.169.254/32", .metadata),  // AWS, GCP, Azure, OpenStack…
        ("100.100.100.200/32", .metadata),  // Alibaba Cloud
        ("0.0.0.0/8", .unspecified),
        ("127.0.0.0/8", .loopback),
        ("169.254.0.0/16", .linkLocal),
        ("224.0.0.0/4", .multicast),
        ("255.255.255.255/32", .broadcast),
        ("240.0.0.0/4", .reserved),
    ])

    private static let fixedIPv6 = blocks([
        ("fd00:ec2::254/128", .metadata),  // AWS over IPv6
        ("::/128", .unspecified),
        ("::1/128", .loopback),
        ("fe80::/10", .linkLocal),
        ("ff00::/8", .multicast),
    ])

    private static let privateIPv4 = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15",
    ].compactMap(IPNetwork.init)

    private static let privateIPv6 = [
        "fc00::/7",  // unique local
        "fec0::/10",  // site-local (deprecated, still routed privately)
        "64:ff9b:1::/48",  // local-use NAT64: the IPv4 address inside is not recoverable
    ].compactMap(IPNetwork.init)
}

/// What the rebinding guard says about an address.
public enum AddressVerdict: Hashable, Sendable {
    /// An allowed name may open it.
    case allowed
    /// An allowed name may not open it, for this reason.
    case refused(AddressRefusal)
}

/// Why the rebinding guard refuses an address. The raw value is the decision log's spelling
/// (`rebinding:loopback`).
public enum AddressRefusal: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 127.0.0.0/8, ::1.
    case loopback
    /// 0.0.0.0/8, ::.
    case unspecified
    /// 169.254.0.0/16, fe80::/10.
    case linkLocal = "link-local"
    /// A cloud metadata service: 169.254.169.254, 100.100.100.200, fd00:ec2::254.
    case metadata
    /// 10/8, 172.16/12, 192.168/16, 100.64/10 (shared), 192.0.0/24, 198.18/15, fc00::/7,
    /// fec0::/10, 64:ff9b:1::/48; the only kind `allowPrivate` reopens.
    case `private`
    /// 224.0.0.0/4, ff00::/8.
    case multicast
    /// 255.255.255.255.
    case broadcast
    /// 240.0.0.0/4 (reserved, not routable).
    case reserved
    /// One of the host's own addresses.
    case host

    /// The raw value: `link-local`, `metadata`, …
    public var description: String { rawValue }
}
