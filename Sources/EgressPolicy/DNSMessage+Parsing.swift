/// Reading a DNS message from untrusted bytes.
///
/// The bounds, each of which a hostile sender could otherwise exploit:
/// - at most 65535 input bytes;
/// - section counts are checked against the remaining bytes before anything is allocated (a
///   question needs at least 5 bytes, a record at least 11), so a header that promises 65535
///   records in a short packet fails at once;
/// - a compression pointer must point strictly before the start of the label sequence being
///   read, so every jump goes backwards and no name can loop; at most 128 jumps per name, at
///   most 255 decoded wire bytes per name, labels of at most 63 bytes, label types 0x40 and
///   0x80 rejected;
/// - RDATA lengths are checked against the message and, for A, AAAA and CNAME, against the type.
///
/// No recursion and no trapping arithmetic on input values: every offset is an `Int` built from
/// at most 16-bit fields and compared with the input length before it is used.
extension DNSMessage {
    /// Parses one message; bytes after the last record are ignored.
    public static func parse(_ bytes: [UInt8]) throws(DNSParseError) -> DNSMessage {
        guard bytes.count <= maximumLength else { throw .messageTooLong }
        var reader = DNSMessageReader(bytes: bytes)
        let id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        let questionCount = Int(try reader.readUInt16())
        let answerCount = Int(try reader.readUInt16())
        let authorityCount = Int(try reader.readUInt16())
        let additionalCount = Int(try reader.readUInt16())
        let recordCount = answerCount + authorityCount + additionalCount
        guard questionCount * 5 + recordCount * 11 <= bytes.count - reader.offset else { throw .tooManyRecords }

        var message = DNSMessage(
            id: id, isResponse: flags & 0x8000 != 0, opcode: UInt8((flags >> 11) & 0x0F),
            isAuthoritative: flags & 0x0400 != 0, isTruncated: flags & 0x0200 != 0,
            recursionDesired: flags & 0x0100 != 0, recursionAvailable: flags & 0x0080 != 0,
            authenticData: flags & 0x0020 != 0, checkingDisabled: flags & 0x0010 != 0,
            responseCode: DNSResponseCode(headerBits: UInt8(flags & 0x000F)))
        message.questions.reserveCapacity(questionCount)
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16())
            message.questions.append(DNSQuestion(name: name, type: type, recordClass: try reader.readUInt16()))
        }
        message.answers = try reader.readRecords(answerCount)
        message.authorities = try reader.readRecords(authorityCount)
        message.additionals = try reader.readRecords(additionalCount)
        return message
    }
}

/// A cursor over a message's bytes.
struct DNSMessageReader {
    /// The whole message: compression pointers are offsets into it.
    let bytes: [UInt8]
    /// The next byte to read.
    var offset = 0

    /// The most compression pointers one name may follow.
    static let maximumPointerJumps = 128

    mutating func readUInt16() throws(DNSParseError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw .truncated }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt32() throws(DNSParseError) -> UInt32 {
        let high = UInt32(try readUInt16())
        return high << 16 | UInt32(try readUInt16())
    }

    mutating func readRecords(_ count: Int) throws(DNSParseError) -> [DNSResourceRecord] {
        var records = [DNSResourceRecord]()
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try readRecord()) }
        return records
    }

    mutating func readRecord() throws(DNSParseError) -> DNSResourceRecord {
        let name = try readName()
        let type = DNSRecordType(rawValue: try readUInt16())
        let recordClass = try readUInt16()
        let ttl = try readUInt32()
        let length = Int(try readUInt16())
        let start = offset
        let end = start + length
        guard end <= bytes.count else { throw .truncated }
        let data: DNSResourceRecord.Data
        switch type {
        case .a where recordClass == DNSResourceRecord.internetClass:
            guard length == 4 else { throw .badRecordLength(type) }
            data = .a(Array(bytes[start..<end]))
        case .aaaa where recordClass == DNSResourceRecord.internetClass:
            guard length == 16 else { throw .badRecordLength(type) }
            data = .aaaa(Array(bytes[start..<end]))
        case .cname:
            let target = try readName()
            guard offset == end else { throw .badRecordLength(type) }
            data = .cname(target)
        default:
            data = .other(Array(bytes[start..<end]))
        }
        offset = end
        return DNSResourceRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
    }

    /// Reads a possibly compressed name at `offset` and moves past it: past its root byte, or
    /// past the first pointer when it has one.
    mutating func readName() throws(DNSParseError) -> DNSName {
        var labels = [[UInt8]]()
        var position = offset
        // Where the label sequence being read began: the name itself, then each pointer target.
        var sequenceStart = offset
        var end: Int?
        var jumps = 0
        var wireLength = 1  // the root's zero byte
        while true {
            guard position < bytes.count else { throw .truncated }
            let lengthByte = bytes[position]
            switch lengthByte & 0xC0 {
            case 0x00:
                guard lengthByte != 0 else {
                    offset = end ?? position + 1
                    // INVARIANT: labels are 1–63 bytes (six length bits) and wireLength <= 255.
                    return DNSName(validatedLabels: labels)
                }
                let length = Int(lengthByte)
                wireLength += 1 + length
                guard wireLength <= DNSName.maximumWireLength else { throw .nameTooLong }
                guard position + 1 + length <= bytes.count else { throw .truncated }
                labels.append(Array(bytes[(position + 1)..<(position + 1 + length)]))
                position += 1 + length
            case 0xC0:
                guard position + 1 < bytes.count else { throw .truncated }
                let target = Int(lengthByte & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < sequenceStart else { throw target <= position ? .pointerLoop : .forwardPointer }
                jumps += 1
                guard jumps <= DNSMessageReader.maximumPointerJumps else { throw .tooManyPointers }
                if end == nil { end = position + 2 }
                position = target
                sequenceStart = target
            default:
                throw .unsupportedLabelType
            }
        }
    }
}
