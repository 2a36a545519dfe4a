import Diagnostics
import PolicyModel
import TOML

/// Reads the values of the user's `[network]` table: address blocks (`network.allow_private`),
/// upstream resolvers (`network.dns_servers`) and record types (`network.dns_types`). Each
/// function returns the value or a one-line reason and a fix, for `policy.invalid-value`.
public enum ResolverSettingsSyntax {
    /// Why a value was refused: the reason completes "`key` entry `value` …", the help says how
    /// to write it.
    public struct Failure: Error, Hashable, Sendable {
        /// The reason, lowercase.
        public let reason: String
        /// The fix.
        public let help: String
    }

    /// Record types the session's resolver may forward besides A, AAAA and CNAME (the ones
    /// `network.dns_types` accepts), by mnemonic.
    public static let forwardableRecordTypes = [
        "CAA", "DNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX", "NAPTR", "NS", "PTR", "SOA", "SRV", "SSHFP", "SVCB",
        "TLSA", "TXT", "URI",
    ]

    /// The types every allowed name is answered for anyway.
    static let alwaysAnswered = ["A", "AAAA", "CNAME"]

    /// An address block, `ADDRESS/LENGTH` with the host bits zero.
    public static func network(_ text: String) -> Result<IPNetwork, Failure> {
        switch IPNetwork.parse(text) {
        case .success(let network):
            return .success(network)
        case .failure(.missingPrefixLength):
            let example = IPAddress(text).map { "`\($0)/\($0.family == .ipv4 ? 32 : 128)`" } ?? "`10.0.0.0/8`"
            return .failure(Failure(reason: "has no prefix length", help: "write an address block such as \(example)"))
        case .failure(.invalidAddress(let address)):
            return .failure(
                Failure(
                    reason: "does not start with an IP address (`\(address)`)",
                    help: "write an address block such as `10.0.0.0/8` or `fd00::/8`"))
        case .failure(.invalidPrefixLength(let length, let maximum)):
            return .failure(
                Failure(
                    reason: "has an invalid prefix length `\(length)`",
                    help: "use a length from 0 to \(maximum), e.g. `10.0.0.0/8`"))
        case .failure(.hostBitsSet(let network)):
            return .failure(
                Failure(
                    reason: "has bits set past its prefix length",
                    help: "write the block's first address: `\(network)`"))
        }
    }

    /// An upstream resolver: `ADDRESS`, `IPV4:PORT` or `[IPV6]:PORT` (port 53 when omitted).
    public static func resolverEndpoint(_ text: String) -> Result<ResolverEndpoint, Failure> {
        let help = "write `192.0.2.53`, `192.0.2.53:5353` or `[2001:db8::53]:53`"
        let invalid = Failure(reason: "is not an IP address with an optional port", help: help)
        if let address = IPAddress(text) { return .success(ResolverEndpoint(address: address)) }
        let address: IPAddress
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":"),
                let bracketed = IPAddress(String(text[text.index(after: text.startIndex)..<close]), family: .ipv6)
            else { return .failure(invalid) }
            address = bracketed
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), let ipv4 = IPAddress(String(text[..<colon]), family: .ipv4)
            else { return .failure(invalid) }
            address = ipv4
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            portText.first != "0", let port = UInt16(portText)
        else {
            return .failure(Failure(reason: "has an invalid port `\(portText)`", help: "use a port from 1 to 65535"))
        }
        return .success(ResolverEndpoint(address: address, port: port))
    }

    /// A record type mnemonic (any case), returned upper-case.
    public static func recordType(_ text: String) -> Result<String, Failure> {
        let upper = String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
        if forwardableRecordTypes.contains(upper) { return .success(upper) }
        if alwaysAnswered.contains(upper) {
            return .failure(
                Failure(
                    reason: "is always answered for allowed names",
                    help: "list only further types, e.g. `TXT` or `SRV`"))
        }
        let suggestion = NameSuggestion.closest(to: upper, in: forwardableRecordTypes)
        return .failure(
            Failure(
                reason: "is not a record type the resolver can forward",
                help: suggestion.map { "did you mean `\($0)`?" }
                    ?? "use one of " + forwardableRecordTypes.map { "`\($0)`" }.joined(separator: ", ")))
    }
}
