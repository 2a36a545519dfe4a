/// One entry of a message's question section: which records of which name are asked for.
public struct DNSQuestion: Hashable, Sendable {
    /// The name asked about.
    public var name: DNSName
    /// The type asked for (QTYPE).
    public var type: DNSRecordType
    /// The class asked for (QCLASS): 1 is IN, the Internet.
    public var recordClass: UInt16

    /// Creates a question; the class defaults to IN.
    public init(name: DNSName, type: DNSRecordType, recordClass: UInt16 = DNSResourceRecord.internetClass) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }
}
