import Diagnostics
import PolicyModel

/// The allowlist fence for policy DNS with pinned addresses: one `nft -f -` file that replaces
/// the `inet mino` table (both address families) in a single transaction.
///
/// The file creates the table, deletes it and defines it again, so loading it twice gives the
/// same kernel state and a half-loaded table never exists: `nft -f` applies the whole file or
/// nothing.
public struct NftablesRuleset: RenderedArtifact, Hashable {
    /// `rendered`, line by line, each with the origin of the element that produced it.
    public let lines: [ArtifactLine]
    /// The exact text for `nft -f -`.
    public let rendered: String
    /// `network.allowlist` and `network.dns`.
    public let enforcement: [EnforcementReport]

    /// Creates a ruleset from its lines.
    init(lines: [ArtifactLine], enforcement: [EnforcementReport]) {
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
    }
}
