/// A domain name as a sequence of labels, the way DNS messages carry it.
///
/// Labels are raw bytes with their case preserved, so equality is byte-exact (`A.com` and `a.com`
/// are different values); compare names for policy through `normalized`. Text is never converted
/// with IDNA: non-ASCII names arrive as their A-labels (`xn--…`), and any other byte is kept as
/// it is. Every value respects RFC 1035's limits: labels of 1–63 bytes, at most 255 bytes on the wire.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The labels, most specific first, without the empty root label; `[]` is the root.
    public let labels: [[UInt8]]

    /// The longest label, in bytes (RFC 1035 §2.3.4).
    static let maximumLabelLength = 63
    /// The longest name, in wire bytes: length bytes, label bytes and the root's zero byte.
    static let maximumWireLength = 255

    /// The root name (`.`).
    static let root = DNSName(validatedLabels: [])

    /// Parses dotted text such as `a.example.com` (a trailing dot is optional; `.` and the empty
    /// string are the root).
    ///
    /// A backslash escapes the byte after it (`\.` is a dot inside a label) and `\DDD` is one
    /// byte in decimal, as in zone files, so `DNSName(name.normalized)` reads back every name.
    /// `nil` when a label is empty or longer than 63 bytes, the name is longer than 255 wire
    /// bytes, or an escape is malformed.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        if bytes.isEmpty || bytes == [DNSName.dot] {
            self = .root
            return
        }
        var labels = [[UInt8]]()
        var current = [UInt8]()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == DNSName.dot {
                guard !current.isEmpty else { return nil }
                labels.append(current)
                current = []
                index += 1
                continue
            }
            if byte == DNSName.backslash {
                guard let (escaped, length) = DNSName.escape(in: bytes, at: index) else { return nil }
                current.append(escaped)
                index += length
            } else {
                current.append(byte)
                index += 1
            }
            // Stops early on absurd input instead of collecting it.
            guard current.count <= DNSName.maximumLabelLength else { return nil }
        }
        if !current.isEmpty { labels.append(current) }
        self.init(labels: labels)
    }

    /// Creates a name from raw labels; `nil` when a label is empty or longer than 63 bytes, or the
    /// name is longer than 255 wire bytes.
    public init?(labels: [[UInt8]]) {
        guard labels.allSatisfy({ (1...DNSName.maximumLabelLength).contains($0.count) }),
            DNSName.wireLength(of: labels) <= DNSName.maximumWireLength
        else { return nil }
        self.labels = labels
    }

    /// Wraps labels the wire reader has already checked.
    // INVARIANT: every label is 1–63 bytes and the wire length is at most 255.
    init(validatedLabels labels: [[UInt8]]) {
        self.labels = labels
    }

    /// The form to compare and log: ASCII-lowercased, dotted, without a trailing dot (`""` for the
    /// root).
    ///
    /// Inside a label, `.`, `\`, space, control bytes and bytes from 0x7F up are written `\DDD`
    /// (three decimal digits), so two different names never print the same text and no label
    /// can smuggle a dot.
    public var normalized: String {
        var text = [UInt8]()
        text.reserveCapacity(wireLength * 2)
        for (position, label) in labels.enumerated() {
            if position > 0 { text.append(DNSName.dot) }
            for byte in label {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    text.append(byte | 0x20)
                case DNSName.dot, DNSName.backslash, 0...0x20, 0x7F...0xFF:
                    text.append(DNSName.backslash)
                    text.append(UInt8(ascii: "0") + byte / 100)
                    text.append(UInt8(ascii: "0") + byte / 10 % 10)
                    text.append(UInt8(ascii: "0") + byte % 10)
                default:
                    text.append(byte)
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `normalized`, except that the root is written `.`.
    public var description: String { labels.isEmpty ? "." : normalized }

    /// The length of the uncompressed name on the wire, root byte included (1 for the root).
    public var wireLength: Int { DNSName.wireLength(of: labels) }

    private static let dot = UInt8(ascii: ".")
    private static let backslash = UInt8(ascii: "\\")

    private static func wireLength(of labels: [[UInt8]]) -> Int {
        labels.reduce(1) { $0 + 1 + $1.count }
    }

    /// The byte an escape at `index` (a backslash) stands for, and how many text bytes it spans.
    private static func escape(in bytes: [UInt8], at index: Int) -> (UInt8, Int)? {
        guard index + 1 < bytes.count else { return nil }
        let first = bytes[index + 1]
        guard isDigit(first) else { return (first, 2) }
        guard index + 3 < bytes.count, isDigit(bytes[index + 2]), isDigit(bytes[index + 3]) else { return nil }
        let value = Int(first - 48) * 100 + Int(bytes[index + 2] - 48) * 10 + Int(bytes[index + 3] - 48)
        guard value <= 255 else { return nil }
        return (UInt8(value), 4)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
