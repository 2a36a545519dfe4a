/// An IPv4 or IPv6 address literal, parsed strictly and written back in one canonical form,
/// so rulesets never carry text that was not an address and sort the same way every time.
///
/// IPv4: four decimal octets without leading zeros. IPv6: RFC 4291 text form (with `::` and an
/// optional trailing dotted quad), no zone index, written per RFC 5952 (lowercase, longest run
/// of zero groups compressed).
import Diagnostics

public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address family.
    public enum Family: String, Hashable, Sendable {
        /// IPv4: 4 bytes, `iptables`.
        case ipv4
        /// IPv6: 16 bytes, `ip6tables`.
        case ipv6
    }

    /// The family, from the byte count.
    public var family: Family { bytes.count == 4 ? .ipv4 : .ipv6 }
    /// The address in network byte order (4 or 16 bytes).
    public let bytes: [UInt8]

    /// Parses an IPv4 or IPv6 literal; `nil` when `text` is anything else.
    public init?(_ text: String) {
        if let bytes = IPAddress.parseIPv4(Substring(text)) {
            self.bytes = bytes
        } else if let bytes = IPAddress.parseIPv6(text) {
            self.bytes = bytes
        } else {
            return nil
        }
    }

    /// The IPv4 address `a.b.c.d`.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.bytes = [a, b, c, d]
    }

    /// `127.0.0.1`.
    public static let loopbackIPv4 = IPAddress(ipv4: 127, 0, 0, 1)

    /// Parses a literal of one family only.
    public init?(_ text: String, family: Family) {
        guard let address = IPAddress(text), address.family == family else { return nil }
        self = address
    }

    /// The canonical text form.
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups = [Int]()
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(Int(bytes[index]) << 8 | Int(bytes[index + 1]))
        }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// The address as a host prefix: `/32` or `/128`.
    public var hostPrefix: String { description + (bytes.count == 4 ? "/32" : "/128") }

    /// IPv4 before IPv6, then by bytes.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes = [UInt8]()
        for part in parts {
            let digits = Array(part.utf8)
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                digits.count == 1 || digits[0] != 48,
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), !text.contains("%") else { return nil }
        let compressions = text.ranges(of: "::")
        guard compressions.count <= 1 else { return nil }
        let halves =
            compressions.first.map { [String(text[..<$0.lowerBound]), String(text[$0.upperBound...])] } ?? [text]
        func groups(_ part: String, allowIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result = [UInt16]()
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                if allowIPv4, position == pieces.count - 1, piece.contains(".") {
                    guard let quad = parseIPv4(piece) else { return nil }
                    result.append(UInt16(quad[0]) << 8 | UInt16(quad[1]))
                    result.append(UInt16(quad[2]) << 8 | UInt16(quad[3]))
                    continue
                }
                guard (1...4).contains(piece.utf8.count), piece.utf8.allSatisfy({ $0 < 128 }),
                    let value = UInt16(piece, radix: 16)
                else { return nil }
                result.append(value)
            }
            return result
        }
        let combined: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4: false), let tail = groups(halves[1], allowIPv4: true),
                head.count + tail.count <= 7
            else { return nil }
            combined = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = groups(halves[0], allowIPv4: true), all.count == 8 else { return nil }
            combined = all
        }
        return combined.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
