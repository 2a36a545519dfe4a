/// A DNS message (RFC 1035 §4): the header fields and the four sections, decoded.
///
/// `parse` reads untrusted bytes, from the agent and from upstream resolvers, within fixed
/// bounds (see `DNSMessage+Parsing.swift`); `serialized` writes a message back. The header's Z
/// bit is not kept: it must be zero and is written as zero.
public struct DNSMessage: Hashable, Sendable {
    /// The identifier a response copies from its query.
    public var id: UInt16
    /// QR: the message is a response.
    public var isResponse: Bool
    /// The kind of query, 0–15 (0 is a standard query); written modulo 16.
    public var opcode: UInt8
    /// AA: the answer comes from an authority for the name.
    public var isAuthoritative: Bool
    /// TC: the message was cut to fit its transport.
    public var isTruncated: Bool
    /// RD: the client asks for recursion.
    public var recursionDesired: Bool
    /// RA: the server offers recursion.
    public var recursionAvailable: Bool
    /// AD: the server validated the answer with DNSSEC.
    public var authenticData: Bool
    /// CD: the client asks for no DNSSEC validation.
    public var checkingDisabled: Bool
    /// RCODE: the outcome.
    public var responseCode: DNSResponseCode
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section.
    public var authorities: [DNSResourceRecord]
    /// The additional section (where an EDNS OPT record lives).
    public var additionals: [DNSResourceRecord]

    /// Creates a message. By default it is a standard query asking for recursion: every other
    /// flag clear, `noError`, and every section empty.
    public init(
        id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, isAuthoritative: Bool = false,
        isTruncated: Bool = false, recursionDesired: Bool = true, recursionAvailable: Bool = false,
        authenticData: Bool = false, checkingDisabled: Bool = false, responseCode: DNSResponseCode = .noError,
        questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [], authorities: [DNSResourceRecord] = [],
        additionals: [DNSResourceRecord] = []
    ) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
        self.responseCode = responseCode
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// A response to `query` with the same id, opcode, RD bit and question section, the given
    /// rcode and answers, RA set.
    ///
    /// The CD bit is copied too, as DNSSEC (RFC 4035) asks of resolvers; AA, TC and AD are clear and the authority
    /// and additional sections empty, so no EDNS OPT record is echoed.
    public static func response(
        to query: DNSMessage, code: DNSResponseCode, answers: [DNSResourceRecord] = []
    ) -> DNSMessage {
        DNSMessage(
            id: query.id, isResponse: true, opcode: query.opcode, recursionDesired: query.recursionDesired,
            recursionAvailable: true, checkingDisabled: query.checkingDisabled, responseCode: code,
            questions: query.questions, answers: answers)
    }

    /// For bytes that did not parse: a FORMERR reply carrying the id of `bytes` (needs >= 12
    /// bytes and the QR bit clear), no question; nil otherwise (drop the packet).
    ///
    /// The reply copies the opcode and RD bit of the header and sets RA, like `response(to:)`.
    /// Bytes with QR set are never answered, so two resolvers cannot bounce errors forever.
    public static func formatErrorReply(to bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= headerLength, bytes[2] & 0x80 == 0 else { return nil }
        let opcode = (bytes[2] >> 3) & 0x0F
        let reply = DNSMessage(
            id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), isResponse: true, opcode: opcode,
            recursionDesired: bytes[2] & 0x01 != 0, recursionAvailable: true, responseCode: .formatError)
        return reply.serialized()
    }

    /// The fixed header: id, two flag bytes and four 16-bit section counts.
    static let headerLength = 12
    /// The largest message: the 16-bit length prefix of DNS over TCP.
    static let maximumLength = 65535
}
