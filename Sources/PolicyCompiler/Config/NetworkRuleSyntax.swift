import Diagnostics
import PolicyModel
import TOML

/// Reads `host:port` allowlist entries: `example.com:443`, `10.0.0.1:22`, `[2001:db8::1]:443`.
///
/// Hosts are validated, not only split: a name is dot-separated labels of letters, digits,
/// `-` and `_` (no label starting or ending with `-`), so that no rule can smuggle shell or
/// option syntax into a backend. Works on UTF-8 bytes: rules are parsed on every run.
public enum NetworkRuleSyntax {
    /// Why a rule was rejected; `message` is lowercase and names the input.
    public struct Failure: Error, Hashable, Sendable {
        /// The one-line reason.
        public let message: String
    }

    private static let colon = UInt8(ascii: ":")
    private static let dot = UInt8(ascii: ".")

    /// Parses one rule (surrounding whitespace is ignored).
    public static func parse(_ input: String) -> Result<(NetworkRule.Host, UInt16), Failure> {
        let bytes = trimmed(Array(input.utf8))
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        let host: ArraySlice<UInt8>
        let port: ArraySlice<UInt8>
        let bracketed = bytes.first == UInt8(ascii: "[")
        if bracketed {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else {
                return .failure(Failure(message: "missing `]` after the IPv6 address in `\(input)`"))
            }
            guard close + 1 < bytes.count, bytes[close + 1] == colon else {
                return .failure(Failure(message: "expected `:` and a port after `]` in `\(input)`"))
            }
            host = bytes[1..<close]
            port = bytes[(close + 2)...]
            guard isIPv6Bytes(host) else {
                return .failure(Failure(message: "`\(text(host))` is not an IPv6 address"))
            }
        } else {
            guard let colonIndex = bytes.lastIndex(of: colon) else {
                return .failure(Failure(message: "`\(input)` has no port; write it as host:port"))
            }
            host = bytes[..<colonIndex]
            port = bytes[(colonIndex + 1)...]
            if host.contains(colon) {
                return .failure(
                    Failure(message: "IPv6 addresses need brackets: write `[\(text(host))]:\(text(port))`"))
            }
        }
        guard !host.isEmpty else { return .failure(Failure(message: "empty host in `\(input)`")) }
        guard let number = decimal(port, maximum: 65535), number > 0 else {
            return .failure(Failure(message: "invalid port `\(text(port))` in `\(input)`; ports are 1-65535"))
        }
        let lower = host.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let name = String(decoding: lower, as: UTF8.self)
        if bracketed { return .success((.ipv6(name), UInt16(number))) }
        if isIPv4Bytes(lower[...]) { return .success((.ipv4(name), UInt16(number))) }
        guard isHostNameBytes(lower[...]) else {
            return .failure(Failure(message: "`\(text(host))` is not a valid host name or IP address"))
        }
        return .success((.name(name), UInt16(number)))
    }

    /// Dotted-quad IPv4 without leading zeros.
    public static func isIPv4(_ text: some StringProtocol) -> Bool {
        isIPv4Bytes(Array(text.utf8)[...])
    }

    /// RFC 4291 text form: eight groups of up to four hex digits, one `::` allowed, an IPv4
    /// tail allowed in place of the last two groups.
    public static func isIPv6(_ text: some StringProtocol) -> Bool {
        isIPv6Bytes(Array(text.utf8)[...])
    }

    /// Labels of `a-z0-9_-` separated by dots, 1–63 bytes each, 253 in all; the last label
    /// holds a letter, so that numeric forms such as `127.1` (which resolvers read as
    /// addresses) are never taken for names.
    public static func isHostName(_ text: some StringProtocol) -> Bool {
        isHostNameBytes(Array(text.utf8)[...])
    }

    // MARK: - Bytes

    private static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 97 && byte | 0x20 <= 102)
    }

    /// A decimal number of digits only, at most `maximum`.
    private static func decimal(_ bytes: ArraySlice<UInt8>, maximum: Int) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 10 else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value <= maximum ? value : nil
    }

    private static func isIPv4Bytes(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: dot, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), decimal(part, maximum: 255) != nil else { return false }
            return part.count == 1 || part.first != 48
        }
    }

    private static func isIPv6Bytes(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 45 else { return false }
        // Split at the one `::` allowed.
        var halves = [ArraySlice<UInt8>]()
        var index = bytes.startIndex
        var start = index
        while index < bytes.endIndex {
            if bytes[index] == colon, index + 1 < bytes.endIndex, bytes[index + 1] == colon {
                halves.append(bytes[start..<index])
                index += 2
                start = index
                continue
            }
            index += 1
        }
        halves.append(bytes[start..<bytes.endIndex])
        guard halves.count <= 2 else { return false }
        var total = 0
        for (halfIndex, half) in halves.enumerated() {
            guard !half.isEmpty else { continue }
            let groups = half.split(separator: colon, omittingEmptySubsequences: false)
            for (groupIndex, group) in groups.enumerated() {
                let isLast = halfIndex == halves.count - 1 && groupIndex == groups.count - 1
                if isLast, group.contains(dot) {
                    guard isIPv4Bytes(group) else { return false }
                    total += 2
                    continue
                }
                guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return false }
                total += 1
            }
        }
        return halves.count == 2 ? total <= 7 : total == 8
    }

    private static func isHostNameBytes(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var name = bytes
        if name.last == dot { name = name.dropLast() }
        let labels = name.split(separator: dot, omittingEmptySubsequences: false)
        guard let last = labels.last, last.contains(where: { $0 | 0x20 >= 97 && $0 | 0x20 <= 122 }) else {
            return false
        }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != 45, label.last != 45 else { return false }
            return label.allSatisfy { byte in
                (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || isDigit(byte) || byte == 45 || byte == 95
            }
        }
    }
}
