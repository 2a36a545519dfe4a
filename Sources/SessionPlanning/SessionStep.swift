/// One thing the executor does, in the order of `SessionPlan.steps`. A step that runs a
/// process names its exact argv; values that exist only at run time appear as placeholders
/// (`${container.pid}`, `${build.context}`, `${now}`), never as guesses.
///
/// A step with a `check` runs that query first and its `argv` only when the check says so
/// (`when`). Secret values never appear in a step: `environment` lists the names whose values
/// the process receives in its environment.
import Diagnostics

public struct SessionStep: Hashable, Sendable {
    /// What the step does.
    public enum Action: String, Hashable, Sendable, CaseIterable {
        /// Ends sessions whose owner died and forgets ended ones older than the cleanup age.
        case reconcileSessions = "reconcile-sessions"
        /// Asks the user to approve a project layer's exact content (it runs as root in a build).
        case approveLayer = "approve-layer"
        /// Builds the composed image of the layers when its tag is missing.
        case buildImage = "build-image"
        /// Pulls the image when it is missing.
        case pullImage = "pull-image"
        /// Fetches short-lived credentials from the providers' CLIs on the host.
        case fetchCredentials = "fetch-credentials"
        /// Creates the session's home volume (with mino's labels) when missing.
        case prepareHome = "prepare-home"
        /// Empties a cache volume for `--cache-fresh` (refused while a container uses it).
        case clearCache = "clear-cache"
        /// Creates a cache volume when missing and records its use.
        case prepareCache = "prepare-cache"
        /// Writes the session record (refused when the name is taken).
        case createSession = "create-session"
        /// Runs the container attached in one step (`podman run --rm`).
        case runAttached = "run-attached"
        /// Creates the container.
        case createContainer = "create-container"
        /// Writes mino's seccomp profile into the session's runtime directory (podman reads it
        /// when it creates the container).
        case prepareSeccomp = "prepare-seccomp"
        /// Writes the fence ruleset and the OCI hook that loads it into the session's runtime
        /// directory (the hook runs inside `podman run`/`podman start`, before the agent).
        case prepareFence = "prepare-fence"
        /// Takes the resolver's sockets from the fence hook, then answers DNS for allowed names
        /// only and pins the answers into the fence, until the container ends.
        case serveResolver = "serve-resolver"
        /// Starts the container and attaches to it.
        case startAttached = "start-attached"
        /// Starts the container in the background.
        case startDetached = "start-detached"
        /// Starts the supervisor process of a detached session.
        case spawnSupervisor = "spawn-supervisor"
        /// Waits for the container to end (the supervisor of a detached session).
        case waitContainer = "wait-container"
        /// Stops and removes the container.
        case removeContainer = "remove-container"
        /// Marks the caches complete (only after the agent exited 0).
        case finaliseCaches = "finalise-caches"
        /// Records how the session ended.
        case recordEnd = "record-end"
    }

    /// Which process performs a step.
    public enum Performer: String, Hashable, Sendable {
        /// The `mino run` process.
        case run
        /// The supervisor of a detached session (`mino supervise NAME`).
        case supervisor
    }

    /// What the step does.
    public var action: Action
    /// Who performs it.
    public var performer: Performer
    /// What it acts on: an image, a volume, a layer, the session name, a directory.
    public var subject: String
    /// A query run first, when the step is conditional.
    public var check: [String]?
    /// The process the step runs, in full (executable first).
    public var argv: [String]?
    /// When `argv` runs (relative to `check`, the agent's exit or a signal); `nil`: always.
    public var when: String?
    /// Names of the variables whose values the process gets in its environment.
    public var environment: [String]
    /// The artifact the step writes or feeds on standard input (`nftables`), if any.
    public var input: String?

    /// Creates a step.
    public init(
        _ action: Action, subject: String, performer: Performer = .run, check: [String]? = nil, argv: [String]? = nil,
        when: String? = nil, environment: [String] = [], input: String? = nil
    ) {
        self.action = action
        self.performer = performer
        self.subject = subject
        self.check = check
        self.argv = argv
        self.when = when
        self.environment = environment
        self.input = input
    }

    /// The placeholders a plan uses for values known only at run time.
    public enum Placeholder {
        /// The pid of the created container's first process (after `podman init`).
        public static let containerPID = "${container.pid}"
        /// The private directory the build context is written to.
        public static let buildContext = "${build.context}"
        /// The time of the run, as an RFC 3339 timestamp (labels of created volumes).
        public static let now = "${now}"
    }
}
