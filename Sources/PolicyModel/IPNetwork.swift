/// An address block in CIDR form (`10.0.0.0/8`, `fd00::/8`): an address and a prefix length,
/// every bit of the address past the prefix being zero.
///
/// Strict like `IPAddress`: a block written with host bits set (`10.1.2.3/8`) is refused rather
/// than silently widened or narrowed, so what the user reads is exactly what is matched.
import Diagnostics

public struct IPNetwork: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Why a text is not an address block.
    public enum ParseError: Error, Hashable, Sendable {
        /// No `/` and prefix length.
        case missingPrefixLength
        /// The part before `/` is not an IPv4 or IPv6 address.
        case invalidAddress(String)
        /// The part after `/` is not a decimal number from 0 to `maximum`.
        case invalidPrefixLength(String, maximum: Int)
        /// Bits past the prefix are set; `network` is the block with them cleared.
        case hostBitsSet(network: IPNetwork)
    }

    /// The first address of the block (host bits zero).
    public let address: IPAddress
    /// How many leading bits are fixed: 0–32 for IPv4, 0–128 for IPv6.
    public let prefixLength: Int

    /// The block `address/prefixLength`; `nil` when the length is out of range for the family or
    /// the address has bits set past the prefix.
    public init?(address: IPAddress, prefixLength: Int) {
        guard (0...address.bytes.count * 8).contains(prefixLength),
            IPNetwork.masked(address.bytes, prefixLength) == address.bytes
        else { return nil }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The block of `prefixLength` bits holding `address` (its host bits cleared); the length is
    /// clamped to the family's range.
    public init(containing address: IPAddress, prefixLength: Int) {
        let length = min(max(prefixLength, 0), address.bytes.count * 8)
        // INVARIANT: masking keeps the byte count, so the bytes are a valid address.
        self.address = IPAddress(bytes: IPNetwork.masked(address.bytes, length)) ?? address
        self.prefixLength = length
    }

    /// Parses `ADDRESS/LENGTH` (the address as `IPAddress` reads it, the length in decimal
    /// without leading zeros).
    public static func parse(_ text: String) -> Result<IPNetwork, ParseError> {
        guard let slash = text.lastIndex(of: "/") else { return .failure(.missingPrefixLength) }
        let addressText = String(text[..<slash])
        let lengthText = String(text[text.index(after: slash)...])
        guard let address = IPAddress(addressText) else { return .failure(.invalidAddress(addressText)) }
        let maximum = address.bytes.count * 8
        let digits = Array(lengthText.utf8)
        guard (1...3).contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            digits.count == 1 || digits[0] != 48, let length = Int(lengthText), length <= maximum
        else { return .failure(.invalidPrefixLength(lengthText, maximum: maximum)) }
        guard let network = IPNetwork(address: address, prefixLength: length) else {
            return .failure(.hostBitsSet(network: IPNetwork(containing: address, prefixLength: length)))
        }
        return .success(network)
    }

    /// Parses `ADDRESS/LENGTH`; `nil` for anything `parse` refuses.
    public init?(_ text: String) {
        guard case .success(let network) = IPNetwork.parse(text) else { return nil }
        self = network
    }

    /// The family of the block.
    public var family: IPAddress.Family { address.family }

    /// Whether `address` lies inside the block; an address of the other family never does.
    public func contains(_ other: IPAddress) -> Bool {
        other.bytes.count == address.bytes.count && IPNetwork.masked(other.bytes, prefixLength) == address.bytes
    }

    /// Whether every address of `other` lies inside this block.
    public func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    /// `10.0.0.0/8`, `fd00::/8`: the address in canonical form.
    public var description: String { "\(address)/\(prefixLength)" }

    /// By address, then the wider block first.
    public static func < (lhs: IPNetwork, rhs: IPNetwork) -> Bool {
        lhs.address == rhs.address ? lhs.prefixLength < rhs.prefixLength : lhs.address < rhs.address
    }

    /// `bytes` with every bit past the first `length` cleared.
    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let fixed = length - index * 8
            if fixed >= 8 { continue }
            result[index] = fixed <= 0 ? 0 : result[index] & UInt8(truncatingIfNeeded: 0xFF << (8 - fixed))
        }
        return result
    }
}

extension IPAddress {
    /// The address with these bytes in network order; `nil` unless there are 4 (IPv4) or 16
    /// (IPv6) of them.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }
}
