import Diagnostics
import PolicyModel

/// The pf rules of one native macOS session, loaded with `pfctl -a <anchorPath> -f -`.
public struct PFAnchor: RenderedArtifact, Hashable {
    /// The sub-anchor the rules are loaded into: `mino/session-<id>`.
    public let anchorPath: String
    /// The rules, line by line.
    public let lines: [ArtifactLine]
    /// The exact rules text.
    public let rendered: String
    /// What pf enforces for this session.
    public let enforcement: [EnforcementReport]

    init(anchorPath: String, lines: [ArtifactLine], enforcement: [EnforcementReport]) {
        self.anchorPath = anchorPath
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
    }
}

/// The lines `/etc/pf.conf` needs so that pf evaluates mino's sub-anchors at all, in the order
/// pf requires (normalisation, translation, dummynet, filtering, then the load line).
public struct PFConfReference: RenderedArtifact, Hashable {
    /// `scrub-anchor`, `nat-anchor`, `rdr-anchor`, `dummynet-anchor`, `anchor`, `load anchor`.
    public let lines: [ArtifactLine]
    /// The six lines.
    public let rendered: String
    /// Nothing: these lines enforce nothing by themselves.
    public let enforcement: [EnforcementReport]
    /// The file the `load anchor` line names.
    public let anchorFile: String
    /// The content of `anchorFile`: a comment only, since every rule lives in a session
    /// sub-anchor.
    public let anchorFileContent: String

    init(lines: [ArtifactLine], anchorFile: String, anchorFileContent: String) {
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = []
        self.anchorFile = anchorFile
        self.anchorFileContent = anchorFileContent
    }

    /// `pfConf` with each missing reference line inserted after the last line of the same kind
    /// (after the last line of an earlier kind when there is none, else before the first line of
    /// a later kind, else at the end), so pf's ordering holds. Lines already present are kept as
    /// they are; applying twice changes nothing.
    public func applied(to pfConf: String) -> String {
        var existing = pfConf.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if existing.last == "" { existing.removeLast() }
        let kinds = lines.map { PFConfReference.kind(of: $0.text) }
        for (position, line) in lines.enumerated() {
            if existing.contains(where: { $0.trimmingSpaces == line.text }) { continue }
            let kind = kinds[position]
            let earlier = Set(kinds[...position])
            let later = Set(kinds[position...])
            let index: Int
            if let last = existing.lastIndex(where: { PFConfReference.kind(of: $0) == kind }) {
                index = last + 1
            } else if let last = existing.lastIndex(where: { earlier.contains(PFConfReference.kind(of: $0) ?? "") }) {
                index = last + 1
            } else if let first = existing.firstIndex(where: { later.contains(PFConfReference.kind(of: $0) ?? "") }) {
                index = first
            } else {
                index = existing.count
            }
            existing.insert(line.text, at: index)
        }
        return existing.joined(separator: "\n") + "\n"
    }

    /// The anchor keyword a pf.conf line starts with, if it is an anchor line.
    private static func kind(of line: String) -> String? {
        let words = line.trimmingSpaces.split(separator: " ", maxSplits: 2)
        guard let first = words.first else { return nil }
        switch first {
        case "scrub-anchor", "nat-anchor", "rdr-anchor", "dummynet-anchor", "anchor":
            return String(first)
        case "load" where words.count > 1 && words[1] == "anchor":
            return "load anchor"
        default:
            return nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
