import Diagnostics
import PolicyModel

/// One line of a rendered artifact and the policy element that produced it.
///
/// `mino plan` prints `origin` next to the line (`# from .mino.toml:7:1`); a line that comes
/// from mino's fixed posture rather than from the policy (`--cap-drop ALL`) has no origin.
public struct ArtifactLine: Hashable, Sendable {
    /// The exact text of the line, without its newline.
    public var text: String
    /// The policy element the line comes from, if any.
    public var origin: Origin?

    /// Creates a line.
    public init(_ text: String, origin: Origin? = nil) {
        self.text = text
        self.origin = origin
    }

    /// The lines joined with `\n`, with a final newline: the `rendered` form of every artifact.
    public static func render(_ lines: [ArtifactLine]) -> String {
        lines.map(\.text).joined(separator: "\n") + "\n"
    }
}

/// How strongly this host enforces one element of the policy, as found by the backend that
/// compiled it.
public struct EnforcementReport: Hashable, Sendable {
    /// The element, as a dotted name: `network.allowlist`, `limits.pids`, `capabilities`,
    /// `identity`, `filesystem.read-only`, …
    public var element: String
    /// Who enforces it.
    public var level: EnforcementLevel
    /// One line saying how, or why not.
    public var note: String

    /// Creates a report.
    public init(_ element: String, _ level: EnforcementLevel, _ note: String) {
        self.element = element
        self.level = level
        self.note = note
    }
}

/// What every backend returns: exact bytes, the same bytes split into lines with their
/// provenance, and the enforcement levels of what was compiled.
///
/// INVARIANT: `rendered == ArtifactLine.render(lines)`, so provenance never drifts from the bytes.
public protocol RenderedArtifact: Sendable {
    /// The exact text of the artifact, ending with a newline.
    var rendered: String { get }
    /// `rendered`, line by line, each with the origin of the element that produced it.
    var lines: [ArtifactLine] { get }
    /// Enforcement levels of the policy elements this artifact compiles.
    var enforcement: [EnforcementReport] { get }
}
