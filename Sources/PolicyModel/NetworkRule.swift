/// One allowlist entry: outbound TCP to a host (a name, an IPv4 or an IPv6 address) and port.
///
/// Structured values, never backend syntax: backends decide how a rule becomes netfilter or pf
/// text. Equality and hashing ignore `origin`.
import Diagnostics

public struct NetworkRule: Hashable, Sendable, CustomStringConvertible {
    /// Where the rule sends traffic.
    public enum Host: Hashable, Sendable, CustomStringConvertible {
        /// A DNS name, lower-cased; resolved by mino before the sandbox starts.
        case name(String)
        /// `*.domain`: every name strictly below `domain` (lower-cased, stored without `*.`), never
        /// `domain` itself. Only the session's resolver can open it: it has no addresses of its own.
        case wildcard(String)
        /// An IPv4 address in dotted-quad form.
        case ipv4(String)
        /// An IPv6 address as written (lower-cased, without brackets).
        case ipv6(String)
        /// An address block (`10.0.0.0/8`, `fd00::/8`): every address in it is opened for the
        /// port as written, like a literal; no name ever opens an address through it.
        case network(IPNetwork)

        /// The host as written in a rule (`example.com`, `10.0.0.1`, `[::1]`).
        public var description: String {
            switch self {
            case .name(let value), .ipv4(let value): return value
            case .wildcard(let domain): return "*." + domain
            case .ipv6(let value): return "[\(value)]"
            case .network(let block): return block.family == .ipv6 ? "[\(block)]" : block.description
            }
        }
    }

    /// The destination host.
    public var host: Host
    /// The destination port, 1–65535.
    public var port: UInt16
    /// Where the rule was written.
    public var origin: Origin

    /// Creates a rule.
    public init(host: Host, port: UInt16, origin: Origin) {
        self.host = host
        self.port = port
        self.origin = origin
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String { "\(host):\(port)" }

    public static func == (lhs: NetworkRule, rhs: NetworkRule) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }
}
