/// One resource record of an answer, authority or additional section.
public struct DNSResourceRecord: Hashable, Sendable {
    /// The class IN, the Internet (1).
    public static let internetClass: UInt16 = 1

    /// The record's data, decoded for the types the resolver reasons about.
    ///
    /// Only class IN records of type A and AAAA are decoded as addresses (other classes give
    /// those types other formats); CNAME is decoded in every class. Everything else, the OPT
    /// pseudo-record included, stays `.other` with the RDATA bytes exactly as received. NS, PTR,
    /// MX, SOA and SRV data can hold compression pointers into the message they came from, so
    /// their bytes are only meaningful there: the resolver never re-serializes such records
    /// from upstream into another message.
    public enum Data: Hashable, Sendable {
        /// An IPv4 address: 4 bytes, network order.
        case a([UInt8])
        /// An IPv6 address: 16 bytes, network order.
        case aaaa([UInt8])
        /// The canonical name an alias points to.
        case cname(DNSName)
        /// Any other RDATA, undecoded.
        case other([UInt8])
    }

    /// The owner name.
    public var name: DNSName
    /// The record type; it should agree with `data` (`.a` with `.a(_)`, and so on).
    public var type: DNSRecordType
    /// The class: 1 is IN. For OPT, the requester's UDP payload size.
    public var recordClass: UInt16
    /// Seconds the record may be cached. For OPT, the extended RCODE and flags.
    public var ttl: UInt32
    /// The decoded data.
    public var data: Data

    /// Creates a record; the class defaults to IN.
    public init(
        name: DNSName, type: DNSRecordType, recordClass: UInt16 = DNSResourceRecord.internetClass, ttl: UInt32,
        data: Data
    ) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }
}
