import Diagnostics
import PolicyModel

/// Whether a helper request carries real environment values.
public enum HelperEnvironment: Hashable, Sendable {
    /// For `mino plan`: secrets and credentials as `<redacted>`, host variables as
    /// `<from host $X>`, other literals as written.
    case redacted
    /// For the executor: literals as written, and the values it fetched for credential and
    /// host variables, by sandbox variable name (a variable without a value is left out).
    case included([String: String])
}

/// The JSON `spawn` request for the macOS native helper (`mino-sandbox-helper spawn
/// --request-file <file>`), with sorted keys.
public struct HelperRequest: RenderedArtifact, Hashable {
    /// The request as a JSON value.
    public let json: JSONValue
    /// The validated session id.
    public let sessionID: String
    /// `/tmp/mino-home-<session id>`.
    public let homeDirectory: String
    /// The pretty-printed JSON, line by line, with the origin of each value.
    public let lines: [ArtifactLine]
    /// The exact request text (pretty-printed, final newline).
    public let rendered: String
    /// Identity, file access and limits as the helper applies them on this platform.
    public let enforcement: [EnforcementReport]

    init(
        json: JSONValue, sessionID: String, homeDirectory: String, lines: [ArtifactLine],
        enforcement: [EnforcementReport]
    ) {
        self.json = json
        self.sessionID = sessionID
        self.homeDirectory = homeDirectory
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
    }
}
