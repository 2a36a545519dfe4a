/// A resource record type (the TYPE and QTYPE fields), open to every 16-bit value.
///
/// The named constants are the types the resolver looks at or logs; any other value is carried
/// through and written `TYPE<n>` (RFC 3597).
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The value on the wire.
    public let rawValue: UInt16

    /// Wraps a wire value.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// An IPv4 address (1).
    public static let a = DNSRecordType(rawValue: 1)
    /// An authoritative name server (2).
    public static let ns = DNSRecordType(rawValue: 2)
    /// The canonical name for an alias (5).
    public static let cname = DNSRecordType(rawValue: 5)
    /// The start of a zone of authority (6).
    public static let soa = DNSRecordType(rawValue: 6)
    /// Opaque bytes (10).
    public static let null = DNSRecordType(rawValue: 10)
    /// A domain name pointer (12).
    public static let ptr = DNSRecordType(rawValue: 12)
    /// Mail exchange (15).
    public static let mx = DNSRecordType(rawValue: 15)
    /// Text strings (16).
    public static let txt = DNSRecordType(rawValue: 16)
    /// An IPv6 address (28).
    public static let aaaa = DNSRecordType(rawValue: 28)
    /// A service location (33).
    public static let srv = DNSRecordType(rawValue: 33)
    /// The EDNS(0) pseudo-record of the additional section (41).
    public static let opt = DNSRecordType(rawValue: 41)
    /// General service binding (64).
    public static let svcb = DNSRecordType(rawValue: 64)
    /// Service binding for HTTPS (65).
    public static let https = DNSRecordType(rawValue: 65)
    /// The query type for every record (255).
    public static let any = DNSRecordType(rawValue: 255)

    private static let names: [(String, DNSRecordType)] = [
        ("A", .a), ("NS", .ns), ("CNAME", .cname), ("SOA", .soa), ("NULL", .null), ("PTR", .ptr), ("MX", .mx),
        ("TXT", .txt), ("AAAA", .aaaa), ("SRV", .srv), ("OPT", .opt), ("SVCB", .svcb), ("HTTPS", .https),
        ("ANY", .any),
    ]

    /// The mnemonic (`A`, `AAAA`, `TXT`, …), or `TYPE<n>` for a type without a constant here.
    public var description: String {
        DNSRecordType.names.first { $0.1 == self }?.0 ?? "TYPE\(rawValue)"
    }

    /// Reads a mnemonic or `TYPE<n>` (decimal, 0–65535), ignoring ASCII case; `nil` for anything else.
    public init?(name: String) {
        // ASCII only: Unicode case mapping would read `ſrv` (long s) as `SRV`.
        let upper = String(decoding: name.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        if let known = DNSRecordType.names.first(where: { $0.0 == upper }) {
            self = known.1
            return
        }
        let digits = upper.utf8.dropFirst(4)
        guard upper.hasPrefix("TYPE"), (1...5).contains(digits.count),
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = UInt16(upper.dropFirst(4))
        else { return nil }
        self.init(rawValue: value)
    }
}
