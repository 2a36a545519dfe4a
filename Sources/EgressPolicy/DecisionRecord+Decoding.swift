import Diagnostics
import PolicyModel

extension DecisionRecord {
    /// Why a line is not a decision record.
    public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
        /// One lowercase line naming the problem.
        public let message: String

        /// `message`.
        public var description: String { message }
    }

    /// The longest line read, in bytes: a record is a few hundred; anything far longer is not one.
    public static let maximumLineLength = 65_536

    /// Reads one line of a decision log (a trailing newline is ignored). Keys this build does not
    /// know are skipped, so older builds read newer logs; a line that is not JSON, not an object,
    /// of an unknown kind, or missing a required field is refused with a message, never a crash.
    public init(jsonLine line: some StringProtocol) throws(DecodingError) {
        var bytes = Array(line.utf8)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard bytes.count <= DecisionRecord.maximumLineLength else {
            throw DecodingError(message: "line longer than \(DecisionRecord.maximumLineLength) bytes")
        }
        var parser = JSONLineParser(bytes: bytes)
        let value: JSONValue
        do {
            value = try parser.document()
        } catch {
            throw DecodingError(message: "not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = value else { throw DecodingError(message: "not a JSON object") }
        let fields = Fields(object: object)
        switch try fields.string("kind") {
        case "dns":
            let transportText = try fields.string("transport")
            guard let transport = Transport(rawValue: transportText) else {
                throw DecodingError(message: "unknown transport `\(transportText)`")
            }
            let decisionText = try fields.string("decision")
            guard let decision = Decision(rawValue: decisionText) else {
                throw DecodingError(message: "unknown decision `\(decisionText)`")
            }
            let answers = try fields.strings("answers").map { text throws(DecodingError) -> IPAddress in
                guard let address = IPAddress(text) else { throw DecodingError(message: "`\(text)` is not an address") }
                return address
            }
            let pinned = try fields.strings("pinned").map { text throws(DecodingError) -> Pinned in
                guard let pin = Pinned(text) else { throw DecodingError(message: "`\(text)` is not address:port") }
                return pin
            }
            let ttl = try fields.optionalInteger("ttl", in: 0...Int64(UInt32.max)).map { UInt32($0) }
            self = .dns(
                Query(
                    time: try fields.string("time"), name: try fields.string("name"), type: try fields.string("type"),
                    transport: transport, decision: decision,
                    reason: try fields.optionalString("reason").map(Reason.init),
                    ruleText: try fields.optionalString("rule"), ruleOrigin: try fields.optionalString("origin"),
                    answers: answers, pinned: pinned, ttl: ttl))
        case "connection":
            let port = try fields.optionalInteger("port", in: 0...65535).map { UInt16($0) }
            guard let count = try fields.optionalInteger("count", in: 0...Int64(Int32.max)) else {
                throw DecodingError(message: "missing `count`")
            }
            self = .connection(
                Connection(
                    time: try fields.string("time"), destination: try fields.string("destination"), port: port,
                    protocolName: try fields.string("protocol"), count: Int(count)))
        case "session":
            let eventText = try fields.string("event")
            guard let event = SessionEvent.Event(rawValue: eventText) else {
                throw DecodingError(message: "unknown session event `\(eventText)`")
            }
            self = .session(
                SessionEvent(time: try fields.string("time"), event: event, session: try fields.string("session")))
        case let kind:
            throw DecodingError(message: "unknown record kind `\(kind)`")
        }
    }
}

/// Typed access to a record's members, each failure naming the key.
private struct Fields {
    let object: [String: JSONValue]

    func string(_ key: String) throws(DecisionRecord.DecodingError) -> String {
        guard let value = try optionalString(key) else { throw .init(message: "missing `\(key)`") }
        return value
    }

    func optionalString(_ key: String) throws(DecisionRecord.DecodingError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .init(message: "`\(key)` is not a string")
        }
    }

    func strings(_ key: String) throws(DecisionRecord.DecodingError) -> [String] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let elements)?:
            return try elements.map { element throws(DecisionRecord.DecodingError) -> String in
                guard case .string(let text) = element else { throw .init(message: "`\(key)` holds a non-string") }
                return text
            }
        default: throw .init(message: "`\(key)` is not an array")
        }
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(DecisionRecord.DecodingError) -> Int64? {
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let number)? where range.contains(number): return number
        default: throw .init(message: "`\(key)` is not an integer from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}

/// A strict, bounded JSON reader for one log line (RFC 8259): objects, arrays, strings with
/// every escape, integers, fractions, `true`, `false`, `null`. Nesting deeper than
/// `maximumDepth` is refused, so hostile input cannot exhaust the stack.
private struct JSONLineParser {
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    static let maximumDepth = 32

    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func document() throws(Failure) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("trailing characters") }
        return value
    }

    private func fail(_ message: String) -> Failure { Failure(message: message, offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws(Failure) -> JSONValue {
        let expected = Array(literal.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected)
        else { throw fail("invalid literal") }
        index += expected.count
        return value
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard depth < JSONLineParser.maximumDepth else { throw fail("nested too deeply") }
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var members = [String: JSONValue]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected `:`") }
            index += 1
            guard members[key] == nil else { throw fail("duplicate key") }
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected `,` or `}`") }
            index += 1
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var elements = [JSONValue]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected `,` or `]`") }
            index += 1
            return .array(elements)
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var run = [UInt8]()  // raw UTF-8 between escapes
        func flush() -> Bool {
            var iterator = run.makeIterator()
            var decoder = UTF8()
            defer { run.removeAll(keepingCapacity: true) }
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: return true
                case .error: return false
                }
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard flush() else { throw fail("invalid UTF-8") }
                return String(scalars)
            case UInt8(ascii: "\\"):
                guard flush() else { throw fail("invalid UTF-8") }
                index += 1
                guard index < bytes.count else { throw fail("unexpected end") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
                default: throw fail("invalid escape")
                }
            case 0..<0x20:
                throw fail("control character in a string")
            default:
                run.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string")
    }

    /// After `\u`: four hex digits, a surrogate pair taking a second `\uXXXX`.
    private mutating func parseUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail("unpaired surrogate") }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            else { throw fail("unpaired surrogate") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate") }
        return scalar
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("unexpected end") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(Failure) -> JSONValue {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw fail("invalid number") }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw fail("leading zero") }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            isInteger = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let number = Int64(text) { return .integer(number) }
        guard let number = Double(text) else { throw fail("invalid number") }
        return .number(number)
    }
}
