import PolicyModel

/// Reads `host:port` allowlist entries: `example.com:443`, `10.0.0.1:22`, `[2001:db8::1]:443`.
///
/// Hosts are validated, not only split: a name is dot-separated labels of letters, digits,
/// `-` and `_` (no label starting or ending with `-`), so that no rule can smuggle shell or
/// option syntax into a backend.
public enum NetworkRuleSyntax {
    /// Why a rule was rejected; `message` is lowercase and names the input.
    public struct Failure: Error, Hashable, Sendable {
        /// The one-line reason.
        public let message: String
    }

    /// Parses one rule (surrounding whitespace is ignored).
    public static func parse(_ input: String) -> Result<(NetworkRule.Host, UInt16), Failure> {
        let text = input.trimmingSpaces()
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(Failure(message: "missing `]` after the IPv6 address in `\(input)`"))
            }
            let after = text.index(after: close)
            guard after < text.endIndex, text[after] == ":" else {
                return .failure(Failure(message: "expected `:` and a port after `]` in `\(input)`"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: after)...]
            guard isIPv6(host) else {
                return .failure(Failure(message: "`\(host)` is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(Failure(message: "`\(input)` has no port; write it as host:port"))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                return .failure(Failure(message: "IPv6 addresses need brackets: write `[\(host)]:\(portText)`"))
            }
        }
        guard !host.isEmpty else { return .failure(Failure(message: "empty host in `\(input)`")) }
        guard let port = UInt16(portText), port > 0, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return .failure(Failure(message: "invalid port `\(portText)` in `\(input)`; ports are 1-65535"))
        }
        let lower = host.lowercased()
        if text.hasPrefix("[") { return .success((.ipv6(lower), port)) }
        if isIPv4(lower) { return .success((.ipv4(lower), port)) }
        guard isHostName(lower) else {
            return .failure(Failure(message: "`\(host)` is not a valid host name or IP address"))
        }
        return .success((.name(lower), port))
    }

    /// Dotted-quad IPv4 without leading zeros.
    public static func isIPv4(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(part), value <= 255
            else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    /// RFC 4291 text form: eight groups of up to four hex digits, one `::` allowed, an IPv4
    /// tail allowed in place of the last two groups.
    public static func isIPv6(_ text: some StringProtocol) -> Bool {
        let string = String(text)
        guard !string.isEmpty, string.utf8.count <= 45 else { return false }
        let halves = string.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Substring]? {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false)
        }
        var total = 0
        for (halfIndex, half) in halves.enumerated() {
            guard let parts = groups(half) else { return false }
            for (index, group) in parts.enumerated() {
                let isLast = halfIndex == halves.count - 1 && index == parts.count - 1
                if isLast, group.contains(".") {
                    guard isIPv4(group) else { return false }
                    total += 2
                    continue
                }
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit) else { return false }
                total += 1
            }
        }
        return halves.count == 2 ? total <= 7 : total == 8
    }

    /// Labels of `a-z0-9_-` separated by dots, 1–63 bytes each, 253 in all; the last label
    /// holds a letter, so that numeric forms such as `127.1` (which resolvers read as
    /// addresses) are never taken for names.
    public static func isHostName(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        var name = Substring(text)
        if name.hasSuffix(".") { name = name.dropLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard let last = labels.last, last.utf8.contains(where: { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) })
        else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.utf8.allSatisfy { byte in
                (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45 || byte == 95
            }
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
