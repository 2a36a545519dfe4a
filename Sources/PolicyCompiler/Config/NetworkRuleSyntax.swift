import Diagnostics
import PolicyModel
import TOML

/// Reads `host:port` allowlist entries: `example.com:443`, `10.0.0.1:22`, `[2001:db8::1]:443`,
/// `*.githubusercontent.com:443`.
///
/// Hosts are validated, not only split: a name is dot-separated labels of letters, digits,
/// `-` and `_` (no label starting or ending with `-`), so that no rule can smuggle shell or
/// option syntax into a backend. A wildcard is `*` as the whole first label followed by a
/// domain of at least two labels (`*.com` would open a whole top-level domain); it matches
/// names strictly below the domain. Works on UTF-8 bytes: rules are parsed on every run.
public enum NetworkRuleSyntax {
    /// Why a rule was rejected; `message` is lowercase and names the input.
    public struct Failure: Error, Hashable, Sendable {
        /// The one-line reason.
        public let message: String
    }

    private static let colon = UInt8(ascii: ":")
    private static let dot = UInt8(ascii: ".")
    private static let star = UInt8(ascii: "*")

    /// Parses one rule (surrounding whitespace is ignored).
    public static func parse(_ input: String) -> Result<(NetworkRule.Host, UInt16), Failure> {
        let bytes = trimmed(Array(input.utf8))
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
            guard isIPv6Bytes(host) || host.contains(UInt8(ascii: "/")) else {
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
        switch parseHost(host, bracketed: bracketed) {
        case .success(let parsed): return .success((parsed, UInt16(number)))
        case .failure(let failure): return .failure(failure)
        }
    }

    /// Parses a concrete destination as `mino policy query` takes it: `HOST[:PORT]`, where HOST
    /// is a name, an IPv4 address, an IPv6 address (bracketed when a port follows, e.g.
    /// `[2001:db8::1]:443`). A wildcard is refused: a query names one host, not a set of them.
    public static func parseDestination(_ input: String) -> Result<(NetworkRule.Host, UInt16?), Failure> {
        let bytes = trimmed(Array(input.utf8))
        var host = bytes
        var port: ArraySlice<UInt8>?
        let bracketed = bytes.first == UInt8(ascii: "[")
        if bracketed {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else {
                return .failure(Failure(message: "missing `]` after the IPv6 address in `\(input)`"))
            }
            host = bytes[1..<close]
            if close + 1 < bytes.count {
                guard bytes[close + 1] == colon else {
                    return .failure(Failure(message: "expected `:` and a port after `]` in `\(input)`"))
                }
                port = bytes[(close + 2)...]
            }
            guard isIPv6Bytes(host) else { return .failure(Failure(message: "`\(text(host))` is not an IPv6 address")) }
        } else if isIPv6Bytes(bytes) {
            // A bare IPv6 address: its colons are not a port separator.
            return .success((.ipv6(String(decoding: lowercased(bytes), as: UTF8.self)), nil))
        } else if let colonIndex = bytes.lastIndex(of: colon) {
            host = bytes[..<colonIndex]
            port = bytes[(colonIndex + 1)...]
            if host.contains(colon) {
                return .failure(
                    Failure(message: "IPv6 addresses need brackets: write `[\(text(host))]:\(text(port ?? []))`"))
            }
        }
        guard !host.isEmpty else { return .failure(Failure(message: "empty host in `\(input)`")) }
        var number: UInt16?
        if let port {
            guard let value = decimal(port, maximum: 65535), value > 0 else {
                return .failure(Failure(message: "invalid port `\(text(port))` in `\(input)`; ports are 1-65535"))
            }
            number = UInt16(value)
        }
        if host.contains(star) {
            if case .success(.wildcard(let domain)) = wildcard(lowercased(host)[...], written: text(host)) {
                return .failure(
                    Failure(message: "`\(text(host))` is a pattern, not a host; ask about one name, e.g. `a.\(domain)`")
                )
            }
            return .failure(Failure(message: "`\(text(host))` is not a valid host name or IP address"))
        }
        switch parseHost(host, bracketed: bracketed) {
        case .success(let parsed): return .success((parsed, number))
        case .failure(let failure): return .failure(failure)
        }
    }

    /// `10.0.0.0/8` or, in brackets, `fd00::/8`: an address block opened as written (host bits
    /// must be zero).
    private static func network(_ text: String, bracketed: Bool) -> Result<NetworkRule.Host, Failure> {
        switch IPNetwork.parse(text) {
        case .success(let block):
            guard (block.family == .ipv6) == bracketed else {
                return .failure(
                    Failure(
                        message: block.family == .ipv6
                            ? "IPv6 blocks need brackets: write `[\(text)]:PORT`"
                            : "`[\(text)]` is not an IPv6 block; write IPv4 blocks without brackets"))
            }
            return .success(.network(block))
        case .failure(.hostBitsSet(let block)):
            return .failure(Failure(message: "`\(text)` has bits set past its prefix; write `\(block)`"))
        case .failure:
            return .failure(Failure(message: "`\(text)` is not an address block (`10.0.0.0/8`, `[fd00::/8]`)"))
        }
    }

    /// The host part of a rule or destination, already split from its port.
    private static func parseHost(_ host: ArraySlice<UInt8>, bracketed: Bool) -> Result<NetworkRule.Host, Failure> {
        let lower = lowercased(host)
        let name = String(decoding: lower, as: UTF8.self)
        if lower.contains(UInt8(ascii: "/")) { return network(name, bracketed: bracketed) }
        if bracketed { return .success(.ipv6(name)) }
        if isIPv4Bytes(lower[...]) { return .success(.ipv4(name)) }
        if lower.contains(star) { return wildcard(lower[...], written: text(host)) }
        guard isHostNameBytes(lower[...]) else {
            return .failure(Failure(message: "`\(text(host))` is not a valid host name or IP address"))
        }
        return .success(.name(name))
    }

    /// `*.domain`: `*` only as the whole first label, the domain a valid host name of at least
    /// two labels, stored lower-cased without `*.` and without a trailing dot.
    private static func wildcard(_ host: ArraySlice<UInt8>, written: String) -> Result<NetworkRule.Host, Failure> {
        let example = "write it as `*.example.com`: `*` matches one or more labels below the domain"
        guard host.count > 2, host.first == star, host[host.startIndex + 1] == dot else {
            if host.elementsEqual([star]) || host.elementsEqual([star, dot]) {
                return .failure(
                    Failure(message: "`\(written)` alone would allow every name; name a domain, e.g. `*.example.com`"))
            }
            return .failure(Failure(message: "`\(written)` has `*` inside a label or a later label; \(example)"))
        }
        var domain = host.dropFirst(2)
        if domain.contains(star) {
            return .failure(Failure(message: "`\(written)` has more than one `*`; \(example)"))
        }
        if domain.last == dot { domain = domain.dropLast() }
        guard isHostNameBytes(domain), !domain.isEmpty else {
            return .failure(
                Failure(message: "`\(written)` is not a valid wildcard: `\(text(domain))` is not a valid domain name"))
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false).count
        guard labels >= 2 else {
            return .failure(
                Failure(
                    message:
                        "`\(written)` is too broad: a wildcard needs a domain of at least two labels, e.g. `*.example.\(text(domain))`"
                ))
        }
        return .success(.wildcard(String(decoding: domain, as: UTF8.self)))
    }

    private static func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }

    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
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

    /// Whether `domain` (without `*.`) may follow `*.` in a wildcard rule: a valid host name of
    /// at least two labels.
    public static func isWildcardDomain(_ domain: some StringProtocol) -> Bool {
        let bytes = Array(domain.utf8)[...]
        return isHostNameBytes(bytes) && bytes.last != dot && bytes.contains(dot)
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
