import Foundation

/// A stable, machine-readable diagnostic code grouped by phase, e.g. `toml.duplicate-key`,
/// `policy.unknown-key`, `cli.unknown-option`. Tests and documentation refer to codes, never to
/// message text.
public struct DiagnosticCode: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The dotted code string.
    public let rawValue: String

    /// Creates a code from its string form.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// One problem found in the user's input, with where it is and how to fix it.
///
/// Wording follows one style: a lowercase one-line message without a final period, user input
/// in backticks, no type names, and the fix in `help`.
public struct Diagnostic: Hashable, Sendable {
    /// How serious a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        /// Stops the phase: no policy is produced.
        case error
        /// Reported, but the result is still produced.
        case warning
        /// Extra information attached to another diagnostic or printed on its own.
        case note

        private var rank: Int {
            switch self {
            case .error: return 2
            case .warning: return 1
            case .note: return 0
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A secondary location with its own short message ("first defined here").
    public struct Label: Hashable, Sendable {
        /// Where the label points.
        public var origin: Origin
        /// What the label says about that place.
        public var message: String

        /// Creates a secondary label.
        public init(_ message: String, at origin: Origin) {
            self.origin = origin
            self.message = message
        }
    }

    /// Error, warning or note.
    public var severity: Severity
    /// The stable code.
    public var code: DiagnosticCode
    /// One line, lowercase, no final period.
    public var message: String
    /// The primary location, if the problem has one.
    public var origin: Origin?
    /// Secondary locations.
    public var labels: [Label]
    /// How to fix it, if there is something to say.
    public var help: String?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity,
        _ code: DiagnosticCode,
        _ message: String,
        at origin: Origin? = nil,
        labels: [Label] = [],
        help: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.origin = origin
        self.labels = labels
        self.help = help
    }

    /// Creates an error diagnostic.
    public static func error(
        _ code: DiagnosticCode,
        _ message: String,
        at origin: Origin? = nil,
        labels: [Label] = [],
        help: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: origin, labels: labels, help: help)
    }

    /// Creates a warning diagnostic.
    public static func warning(
        _ code: DiagnosticCode,
        _ message: String,
        at origin: Origin? = nil,
        labels: [Label] = [],
        help: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: origin, labels: labels, help: help)
    }
}

/// Thrown when a phase fails; holds every error the phase found, not only the first.
public struct DiagnosticError: Error, Sendable {
    /// The diagnostics, errors first in the order found; never empty.
    public var diagnostics: [Diagnostic]

    /// Wraps a non-empty list of diagnostics.
    public init(_ diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a DiagnosticError needs at least one diagnostic")
        self.diagnostics = diagnostics
    }

    /// Wraps a single diagnostic.
    public init(_ diagnostic: Diagnostic) {
        self.diagnostics = [diagnostic]
    }
}
