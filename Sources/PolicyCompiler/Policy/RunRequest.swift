import Diagnostics
import PolicyModel
import TOML

/// What a `mino run`/`mino plan` invocation asks for beyond configuration keys: the command,
/// the session, the project directory and the flags that add to (rather than override) the
/// configuration. Flags that set configuration keys (`--network`, `--image`, `-e`, …) arrive
/// as a `.commandLine` `ConfigLayer` instead, so precedence is the same for every source.
public struct RunRequest: Sendable {
    /// The agent command after `--`; `nil` opens the shell.
    public var command: Sourced<[String]>?
    /// `-n/--name`.
    public var sessionName: Sourced<String>?
    /// `-d/--detach`.
    public var detach: Sourced<Bool>
    /// The project directory, absolute (`-p/--project` or the working directory).
    public var projectDirectory: Sourced<String>
    /// `--volume` specs in order; they come before `container.volumes`.
    public var volumes: [Sourced<String>]
    /// `--strict-credentials`.
    public var strictCredentials: Sourced<Bool>
    /// `--ssh-agent` / `--no-ssh-agent`; `nil` keeps the default (on).
    public var sshAgent: Sourced<Bool>?
    /// `--cache-fresh`.
    public var cacheFresh: Sourced<Bool>

    /// Creates a request; only the project directory is required.
    public init(
        projectDirectory: Sourced<String>, command: Sourced<[String]>? = nil, sessionName: Sourced<String>? = nil,
        detach: Sourced<Bool> = Sourced(false, .builtin), volumes: [Sourced<String>] = [],
        strictCredentials: Sourced<Bool> = Sourced(false, .builtin), sshAgent: Sourced<Bool>? = nil,
        cacheFresh: Sourced<Bool> = Sourced(false, .builtin)
    ) {
        self.projectDirectory = projectDirectory
        self.command = command
        self.sessionName = sessionName
        self.detach = detach
        self.volumes = volumes
        self.strictCredentials = strictCredentials
        self.sshAgent = sshAgent
        self.cacheFresh = cacheFresh
    }
}
