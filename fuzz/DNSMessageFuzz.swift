// libFuzzer harness for the DNS message codec (built by scripts/fuzz, not by SwiftPM).
//
// For every input: parse; on success serialize, re-parse the serialized bytes and require the
// same message (a decoded message may outgrow 65535 bytes once its names are uncompressed: then
// the re-parse must say so), and require that serializing again gives the same bytes; print every
// name. Always ask for a FORMERR reply and require it to parse with the input's id.

import EgressPolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let reply = DNSMessage.formatErrorReply(to: bytes) {
        guard let parsed = try? DNSMessage.parse(reply), parsed.id == UInt16(bytes[0]) << 8 | UInt16(bytes[1]),
            parsed.isResponse, parsed.responseCode == .formatError, parsed.questions.isEmpty
        else { fatalError("bad FORMERR reply \(reply)") }
    }
    let message: DNSMessage
    do {
        message = try DNSMessage.parse(bytes)
    } catch {
        _ = error.description
        return 0
    }
    let written = message.serialized()
    let reparsed: DNSMessage
    do {
        reparsed = try DNSMessage.parse(written)
    } catch {
        if error == .messageTooLong, written.count > 65535 { return 0 }
        fatalError("serialized message does not parse (\(error)): \(written)")
    }
    if reparsed.questions != message.questions || reparsed.answers != message.answers || reparsed != message {
        fatalError("round trip changed the message:\n\(message)\n\(reparsed)")
    }
    if reparsed.serialized() != written {
        fatalError("serializing twice gave different bytes")
    }
    for name in message.questions.map(\.name) + message.answers.map(\.name) {
        let text = name.normalized
        guard DNSName(text) == DNSName(labels: name.labels.map(lowercased)) else {
            fatalError("normalized name \(text) does not read back")
        }
    }
    return 0
}

private func lowercased(_ label: [UInt8]) -> [UInt8] {
    label.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
}
