/// An upstream DNS server the session's resolver forwards allowed names to: an address and a
/// port (53 unless the user's `network.dns_servers` names another).
public struct ResolverEndpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The port DNS servers listen on unless told otherwise.
    public static let defaultPort: UInt16 = 53

    /// The server's address.
    public var address: IPAddress
    /// The server's UDP and TCP port, 1–65535.
    public var port: UInt16

    /// Creates an endpoint.
    public init(address: IPAddress, port: UInt16 = ResolverEndpoint.defaultPort) {
        self.address = address
        self.port = port
    }

    /// `192.0.2.53:53`, `[2001:db8::53]:53`: always with the port, IPv6 in brackets.
    public var description: String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// By address, then port.
    public static func < (lhs: ResolverEndpoint, rhs: ResolverEndpoint) -> Bool {
        lhs.address == rhs.address ? lhs.port < rhs.port : lhs.address < rhs.address
    }
}
