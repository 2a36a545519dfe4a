/// The 4-bit RCODE of a message header.
///
/// A struct rather than an enum so that every code an upstream resolver sends (including 6–15,
/// which have no constant here) survives parsing and is written back unchanged.
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The value in the header, 0–15.
    public let rawValue: UInt8

    /// Wraps a header value; `nil` above 15, which the 4-bit field cannot hold.
    public init?(rawValue: UInt8) {
        guard rawValue <= 0x0F else { return nil }
        self.rawValue = rawValue
    }

    /// Wraps the low four bits of a header byte.
    init(headerBits: UInt8) {
        self.rawValue = headerBits & 0x0F
    }

    /// No error (0).
    public static let noError = DNSResponseCode(headerBits: 0)
    /// The server could not interpret the query (1, FORMERR).
    public static let formatError = DNSResponseCode(headerBits: 1)
    /// The server failed to answer (2, SERVFAIL).
    public static let serverFailure = DNSResponseCode(headerBits: 2)
    /// The name does not exist (3, NXDOMAIN).
    public static let nameError = DNSResponseCode(headerBits: 3)
    /// The server does not support this kind of query (4, NOTIMP).
    public static let notImplemented = DNSResponseCode(headerBits: 4)
    /// The server refuses to answer for policy reasons (5, REFUSED).
    public static let refused = DNSResponseCode(headerBits: 5)

    /// The mnemonic (`NOERROR`, `NXDOMAIN`, …), or `RCODE<n>`.
    public var description: String {
        switch rawValue {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        default: return "RCODE\(rawValue)"
        }
    }
}
