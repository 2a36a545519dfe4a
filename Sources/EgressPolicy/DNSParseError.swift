/// Why bytes are not a DNS message the resolver will read.
///
/// Bytes after the last record are not an error: they are ignored.
public enum DNSParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input is longer than 65535 bytes, the most a DNS message can be.
    case messageTooLong
    /// The message ends inside the header, a name, a fixed field or RDATA.
    case truncated
    /// A decoded name is longer than 255 wire bytes.
    case nameTooLong
    /// A compression pointer points after itself.
    case forwardPointer
    /// A compression pointer points into the label sequence it is part of (itself included),
    /// which would loop.
    case pointerLoop
    /// A name follows more than 128 compression pointers.
    case tooManyPointers
    /// A label length byte uses the reserved types 0x40 (extended) or 0x80.
    case unsupportedLabelType
    /// The section counts promise more questions and records than the remaining bytes can hold.
    case tooManyRecords
    /// RDATA has the wrong length for its type: A not 4 bytes, AAAA not 16, or a CNAME whose
    /// name does not end exactly at the end of the RDATA.
    case badRecordLength(DNSRecordType)

    /// A one-line reason for logs.
    public var description: String {
        switch self {
        case .messageTooLong: return "message longer than 65535 bytes"
        case .truncated: return "message truncated"
        case .nameTooLong: return "name longer than 255 bytes"
        case .forwardPointer: return "compression pointer points forward"
        case .pointerLoop: return "compression pointer loops"
        case .tooManyPointers: return "name follows more than 128 compression pointers"
        case .unsupportedLabelType: return "unsupported label type"
        case .tooManyRecords: return "section counts exceed the message size"
        case .badRecordLength(let type): return "bad \(type) record length"
        }
    }
}
