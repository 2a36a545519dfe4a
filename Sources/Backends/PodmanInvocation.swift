import Diagnostics
import PolicyModel

/// Whether the process that runs podman has terminals, which decides `-i` and `-t`.
public struct TerminalMode: Hashable, Sendable {
    /// Standard input is a terminal: pass `-i`.
    public var stdinIsTerminal: Bool
    /// Standard output is a terminal: pass `-t`.
    public var stdoutIsTerminal: Bool

    /// Creates a terminal mode.
    public init(stdinIsTerminal: Bool, stdoutIsTerminal: Bool) {
        self.stdinIsTerminal = stdinIsTerminal
        self.stdoutIsTerminal = stdoutIsTerminal
    }

    /// Neither is a terminal (CI, pipes): no `-i`, no `-t`.
    public static let none = TerminalMode(stdinIsTerminal: false, stdoutIsTerminal: false)
    /// Both are terminals: `-i -t`.
    public static let interactive = TerminalMode(stdinIsTerminal: true, stdoutIsTerminal: true)
}

/// The run-time inputs of a container session that are not part of the policy.
public struct PodmanSession: Hashable, Sendable {
    /// The session name (validated: `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`).
    public var name: String
    /// The home volume (`mino-home-…`) to mount at `/home/developer`, when the policy asks for
    /// one and the executor has named it.
    public var homeVolume: String?

    /// Creates session inputs.
    public init(name: String, homeVolume: String?) {
        self.name = name
        self.homeVolume = homeVolume
    }
}

/// A podman command line: the argv after `podman`, and the environment the podman process
/// itself must receive so that each `-e NAME` picks its value up.
///
/// INVARIANT: no argv element is `-e`/`--env` followed by `NAME=value`; values only travel in
/// `environment`, which never appears in `rendered` or `lines`.
public struct PodmanInvocation: RenderedArtifact, Hashable {
    /// Which podman command this is.
    public enum Form: String, Hashable, Sendable {
        /// `podman create`, then `podman start` (attached or detached).
        case create
        /// `podman run`, for attached sessions started in one step.
        case run
        /// `podman exec`, into a running session.
        case exec
    }

    /// The form.
    public let form: Form
    /// The arguments after `podman`.
    public let argv: [String]
    /// Variables to set in the podman process's environment (literal values, or where the
    /// executor fetches them: a credential provider, a host variable), by container name.
    public let environment: [String: EnvironmentVariable.Value]
    /// `podman` and the argv, one option (with its value) per line, words in display quoting.
    public let lines: [ArtifactLine]
    /// `lines`, joined.
    public let rendered: String
    /// The posture this invocation enforces on this host.
    public let enforcement: [EnforcementReport]
    /// The wrapper script the container or exec runs in wrapper mode (already inside `argv`).
    public let wrapper: WrapperScript?

    init(
        form: Form, builder: ArgvBuilder, environment: [String: EnvironmentVariable.Value],
        enforcement: [EnforcementReport], wrapper: WrapperScript?
    ) {
        self.form = form
        self.argv = builder.argv
        self.environment = environment
        self.lines = builder.lines
        self.rendered = ArtifactLine.render(builder.lines)
        self.enforcement = enforcement
        self.wrapper = wrapper
    }
}

/// Accumulates argv words and, in step, one display line per option group.
struct ArgvBuilder {
    private(set) var argv: [String] = []
    private(set) var lines: [ArtifactLine] = []

    /// Starts with the `podman <verb>` line; the verb words are part of the argv.
    init(verb: [String]) {
        argv = verb
        lines = [ArtifactLine((["podman"] + verb).joined(separator: " "))]
    }

    /// Appends one option group (an option and its value, the image, or the command).
    mutating func add(_ words: [String], origin: Origin? = nil) {
        argv += words
        lines.append(ArtifactLine(words.map(ShellQuoting.displayQuote).joined(separator: " "), origin: origin))
    }
}
