import PolicyModel

/// One pin the session's resolver adds: TCP to `address` on `port` is accepted until the
/// element's timeout runs out.
package struct PinnedElement: Hashable, Sendable {
    /// The answered address; its family picks the set (`pinned4` or `pinned6`).
    package var address: IPAddress
    /// The allowed rule's port.
    package var port: UInt16

    /// Creates a value from its parts.
    package init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
}

/// One element read back from a set, its key decoded and its state attached.
package struct SetElement: Hashable, Sendable {
    /// The address at the start of the key.
    package var address: IPAddress
    /// The IP protocol number (`6` TCP, `17` UDP, `1` ICMP, `58` ICMPv6), when the key has one.
    package var ipProtocol: UInt8?
    /// The port, when the key has one.
    package var port: UInt16?
    /// Packets counted, when the set counts.
    package var packets: UInt64?
    /// Bytes counted, when the set counts.
    package var bytes: UInt64?
    /// The element's timeout in milliseconds, when it has one.
    package var timeoutMilliseconds: UInt64?
    /// Milliseconds until the element expires, when it has a timeout.
    package var expiresInMilliseconds: UInt64?

    /// Creates a value from its parts.
    package init(
        address: IPAddress, ipProtocol: UInt8? = nil, port: UInt16? = nil, packets: UInt64? = nil,
        bytes: UInt64? = nil, timeoutMilliseconds: UInt64? = nil, expiresInMilliseconds: UInt64? = nil
    ) {
        self.address = address
        self.ipProtocol = ipProtocol
        self.port = port
        self.packets = packets
        self.bytes = bytes
        self.timeoutMilliseconds = timeoutMilliseconds
        self.expiresInMilliseconds = expiresInMilliseconds
    }
}

/// The shape of a set's key: an address, then optionally a protocol, then optionally a port.
///
/// nftables stores a concatenated key as its components one after another, each padded to
/// 4 bytes (`ipv4_addr . inet_service` is 4 + 4 bytes, the port big-endian in the first two).
/// The set's `NFTA_SET_KEY_TYPE` names the components: nft packs their datatype numbers 6 bits
/// each, the first component in the highest bits.
struct SetKeyLayout: Hashable {
    /// The address family of the first component.
    var family: IPAddress.Family
    /// Whether an `inet_proto` component follows the address.
    var hasProtocol: Bool
    /// Whether an `inet_service` component ends the key.
    var hasPort: Bool

    /// nft's datatype numbers (`enum datatypes` of nftables' `datatype.h`).
    private enum DataType {
        /// `TYPE_IPADDR` (`ipv4_addr`).
        static let ipv4Address: UInt32 = 7
        /// `TYPE_IP6ADDR` (`ipv6_addr`).
        static let ipv6Address: UInt32 = 8
        /// `TYPE_INET_PROTOCOL` (`inet_proto`).
        static let internetProtocol: UInt32 = 12
        /// `TYPE_INET_SERVICE` (`inet_service`).
        static let internetService: UInt32 = 13
        /// Bits per component in a concatenated type.
        static let bits: UInt32 = 6
    }

    /// The key of a pin set of `family`.
    static func pinned(_ family: IPAddress.Family) -> SetKeyLayout {
        SetKeyLayout(family: family, hasProtocol: false, hasPort: true)
    }

    /// Creates a layout from its parts.
    init(family: IPAddress.Family, hasProtocol: Bool, hasPort: Bool) {
        self.family = family
        self.hasProtocol = hasProtocol
        self.hasPort = hasPort
    }

    /// The layout of a set with this `NFTA_SET_KEY_TYPE` and `NFTA_SET_KEY_LEN`, or `nil` when
    /// the key is not an address optionally followed by a protocol and a port.
    init?(keyType: UInt32, keyLength: Int) {
        var components = [UInt32]()
        var rest = keyType
        while rest != 0 {
            components.insert(rest & (1 << DataType.bits - 1), at: 0)
            rest >>= DataType.bits
        }
        guard let first = components.first else { return nil }
        switch first {
        case DataType.ipv4Address: family = .ipv4
        case DataType.ipv6Address: family = .ipv6
        default: return nil
        }
        var tail = components.dropFirst()
        hasProtocol = tail.first == DataType.internetProtocol
        if hasProtocol { tail = tail.dropFirst() }
        hasPort = tail.first == DataType.internetService
        if hasPort { tail = tail.dropFirst() }
        guard tail.isEmpty, keyLength == length else { return nil }
    }

    /// The key's length in bytes.
    var length: Int { (family == .ipv4 ? 4 : 16) + (hasProtocol ? 4 : 0) + (hasPort ? 4 : 0) }

    /// The key of a pin, or `nil` when this layout is not a pin set's or the families differ.
    func key(for element: PinnedElement) -> [UInt8]? {
        guard !hasProtocol, hasPort, element.address.family == family else { return nil }
        return element.address.bytes + [UInt8(element.port >> 8), UInt8(element.port & 0xFF), 0, 0]
    }

    /// The address, protocol and port of `key`, or `nil` when its length does not fit.
    func decode(_ key: ArraySlice<UInt8>) -> (address: IPAddress, ipProtocol: UInt8?, port: UInt16?)? {
        guard key.count == length else { return nil }
        let addressLength = family == .ipv4 ? 4 : 16
        var offset = key.startIndex
        guard let address = Self.address(key[offset..<(offset + addressLength)]) else { return nil }
        offset += addressLength
        var ipProtocol: UInt8?
        if hasProtocol {
            ipProtocol = key[offset]
            offset += 4
        }
        var port: UInt16?
        if hasPort { port = UInt16(key[offset]) << 8 | UInt16(key[offset + 1]) }
        return (address, ipProtocol, port)
    }

    /// The address whose network-order bytes are `bytes` (4 or 16). `IPAddress` is built from
    /// text only, so the bytes go through their uncompressed text form.
    static func address(_ bytes: ArraySlice<UInt8>) -> IPAddress? {
        switch bytes.count {
        case 4:
            return IPAddress(bytes.map(String.init).joined(separator: "."), family: .ipv4)
        case 16:
            let groups = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            return IPAddress(groups.joined(separator: ":"), family: .ipv6)
        default:
            return nil
        }
    }
}
