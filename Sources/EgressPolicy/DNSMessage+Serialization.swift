/// Writing a DNS message.
///
/// Names are written uncompressed, CNAME targets in RDATA too; `.other` RDATA is written as it
/// was received. A message decoded from compressed bytes can therefore grow: its serialized
/// form may exceed 65535 bytes (which `parse` rejects) or a transport's size, so the sender
/// checks the length and sets TC or drops records. Values the wire cannot hold are cut, never
/// trapped on: the opcode to 4 bits, section counts to 65535, RDATA to 65535 bytes.
extension DNSMessage {
    /// The message in wire form.
    public func serialized() -> [UInt8] {
        var writer = DNSMessageWriter()
        writer.writeUInt16(id)
        var flags: UInt16 = UInt16(opcode & 0x0F) << 11 | UInt16(responseCode.rawValue & 0x0F)
        if isResponse { flags |= 0x8000 }
        if isAuthoritative { flags |= 0x0400 }
        if isTruncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        if authenticData { flags |= 0x0020 }
        if checkingDisabled { flags |= 0x0010 }
        writer.writeUInt16(flags)
        let limit = Int(UInt16.max)
        let questions = self.questions.prefix(limit)
        let sections = [answers, authorities, additionals].map { $0.prefix(limit) }
        writer.writeUInt16(UInt16(questions.count))
        for section in sections { writer.writeUInt16(UInt16(section.count)) }
        for question in questions {
            writer.writeName(question.name)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.recordClass)
        }
        for section in sections {
            for record in section { writer.writeRecord(record) }
        }
        return writer.bytes
    }
}

/// Appends wire fields to a growing message.
struct DNSMessageWriter {
    /// What has been written so far.
    private(set) var bytes = [UInt8]()

    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func writeName(_ name: DNSName) {
        for label in name.labels {
            bytes.append(UInt8(truncatingIfNeeded: label.count))
            bytes.append(contentsOf: label)
        }
        bytes.append(0)
    }

    mutating func writeRecord(_ record: DNSResourceRecord) {
        writeName(record.name)
        writeUInt16(record.type.rawValue)
        writeUInt16(record.recordClass)
        writeUInt16(UInt16(record.ttl >> 16))
        writeUInt16(UInt16(record.ttl & 0xFFFF))
        switch record.data {
        case .a(let raw), .aaaa(let raw), .other(let raw):
            let data = raw.prefix(Int(UInt16.max))
            writeUInt16(UInt16(data.count))
            bytes.append(contentsOf: data)
        case .cname(let target):
            writeUInt16(UInt16(target.wireLength))
            writeName(target)
        }
    }
}
