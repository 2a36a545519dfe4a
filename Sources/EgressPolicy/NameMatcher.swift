import PolicyModel

/// Which allow rules admit a DNS name: exact rules (`api.example.com:443`) and wildcard rules
/// (`*.example.com:443`, every name strictly below `example.com`). Literal-address rules never
/// match a name.
///
/// Built once per policy and asked for every query, so lookups cost a few dictionary probes:
/// one for the name itself and one per suffix below it, never a scan of the rules.
public struct NameMatcher: Sendable {
    /// Rule indices by exact name.
    private let exact: [String: [Int]]
    /// Rule indices by wildcard domain (the part after `*.`).
    private let wildcards: [String: [Int]]
    /// The rules as given.
    private let rules: [NetworkRule]

    /// A matcher over `rules`; names and domains in them are compared normalized (lower case,
    /// no trailing dot).
    public init(rules: [NetworkRule]) {
        var exact = [String: [Int]]()
        var wildcards = [String: [Int]]()
        for (index, rule) in rules.enumerated() {
            switch rule.host {
            case .name(let name): exact[NameMatcher.normalized(name), default: []].append(index)
            case .wildcard(let domain): wildcards[NameMatcher.normalized(domain), default: []].append(index)
            case .ipv4, .ipv6, .network: continue
            }
        }
        self.exact = exact
        self.wildcards = wildcards
        self.rules = rules
    }

    /// Whether no rule can match any name (only literal-address rules, or none).
    public var isEmpty: Bool { exact.isEmpty && wildcards.isEmpty }

    /// Every rule admitting `name`, in the order the rules were given: `.name` rules equal to
    /// the normalized name, and `.wildcard(d)` rules when the name ends with `.` + `d` and has
    /// at least one label before it. A name with an empty label (`a..b`, `.a`) matches nothing.
    public func rules(for name: String) -> [NetworkRule] {
        let name = NameMatcher.normalized(name)
        guard !name.isEmpty, !name.utf8.starts(with: [UInt8(ascii: ".")]), !name.contains("..") else { return [] }
        var indices = exact[name] ?? []
        if !wildcards.isEmpty {
            // Each suffix after a dot is a candidate domain; the name itself is not (a wildcard
            // never admits its own domain).
            var suffix = Substring(name)
            while let dot = suffix.firstIndex(of: ".") {
                suffix = suffix[suffix.index(after: dot)...]
                if let found = wildcards[String(suffix)] { indices += found }
            }
        }
        return indices.sorted().map { rules[$0] }
    }

    /// The rules admitting `name` on `port`.
    public func rules(for name: String, port: UInt16) -> [NetworkRule] {
        rules(for: name).filter { $0.port == port }
    }

    /// `name` lower-cased (ASCII letters only, as DNS compares names) without one trailing dot.
    public static func normalized(_ name: String) -> String {
        var bytes = Array(name.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        for index in bytes.indices where bytes[index] >= 65 && bytes[index] <= 90 {
            bytes[index] |= 0x20
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
