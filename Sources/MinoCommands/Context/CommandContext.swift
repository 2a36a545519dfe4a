import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// Everything a command may know about the process that runs it, injected so that tests can
/// run the whole application without touching the real process.
public struct CommandContext: Sendable {
    /// The arguments after the program name.
    public var arguments: [String]
    /// The environment variables.
    public var environment: [String: String]
    /// The working directory, absolute.
    public var currentDirectory: String
    /// Standard output: help, version and command results.
    public var standardOutput: OutputWriter
    /// Standard error: diagnostics.
    public var standardError: OutputWriter
    /// Standard input, line by line, for prompts.
    public var standardInput: InputReader
    /// Whether standard input is a terminal.
    public var standardInputIsTerminal: Bool
    /// Whether standard output is a terminal.
    public var standardOutputIsTerminal: Bool
    /// Whether standard error is a terminal (decides colour under `--color auto`).
    public var standardErrorIsTerminal: Bool
    /// The terminal's width in columns, if standard output is a terminal that reports one.
    public var terminalWidth: Int?
    /// The version printed by `--version`.
    public var version: String
    /// How commands run other programs (podman, nsenter…); `nil` where nothing may be run.
    public var commandRunner: (any CommandRunner)?
    /// The absolute path of the running mino executable (for the detached supervisor).
    public var executablePath: String?
    /// Host facts that replace what the probe reads from the system (uid, home, resolvers,
    /// fence tools, SSH agent, the drawn session name): a fixed host for tests. Podman is still
    /// asked through `commandRunner` for what only it knows (image IDs).
    public var hostFacts: HostFacts?
    /// The files the planning reads (config files, the trust store, lockfiles): the disk, or
    /// files described by a test, which then plans with the real loading code.
    package var files: any HostFiles = DiskFiles()
    /// Where layers are read from, when not from the disk (tests).
    package var layerFiles: (any LayerFileSystem)?

    /// Creates a context; defaults describe a silent, non-interactive process.
    public init(
        arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String = "/",
        standardOutput: OutputWriter = .discarding,
        standardError: OutputWriter = .discarding,
        standardInput: InputReader = .empty,
        standardInputIsTerminal: Bool = false,
        standardOutputIsTerminal: Bool = false,
        standardErrorIsTerminal: Bool = false,
        terminalWidth: Int? = nil,
        version: String = MinoVersion.current,
        commandRunner: (any CommandRunner)? = nil,
        executablePath: String? = nil,
        hostFacts: HostFacts? = nil
    ) {
        self.arguments = arguments
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.standardInputIsTerminal = standardInputIsTerminal
        self.standardOutputIsTerminal = standardOutputIsTerminal
        self.standardErrorIsTerminal = standardErrorIsTerminal
        self.terminalWidth = terminalWidth
        self.version = version
        self.commandRunner = commandRunner
        self.executablePath = executablePath
        self.hostFacts = hostFacts
    }

    /// The command runner, or a failure saying this context cannot run programs.
    func runner() throws(CommandFailure) -> any CommandRunner {
        guard let commandRunner else {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [.error("mino.no-runner", "this context cannot run other programs")])
        }
        return commandRunner
    }

    /// Variables whose presence (any value) marks a CI run.
    static let continuousIntegrationVariables = [
        "CI", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "BUILDKITE", "TEAMCITY_VERSION",
        "TF_BUILD",
    ]

    /// Whether mino may ask questions: standard input and output are terminals and no CI
    /// variable is set. Non-interactive runs take documented defaults and never approve
    /// anything on the user's behalf.
    public var isInteractive: Bool {
        standardInputIsTerminal && standardOutputIsTerminal
            && !Self.continuousIntegrationVariables.contains { environment[$0] != nil }
    }

    /// The width help is wrapped to: `COLUMNS` when it is a positive number, else the
    /// terminal's width, else 80.
    public var helpWidth: Int {
        if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
            return columns
        }
        if let terminalWidth, terminalWidth > 0 {
            return terminalWidth
        }
        return 80
    }
}

/// The version of this build of mino.
public enum MinoVersion {
    /// The version string printed by `mino --version`.
    public static let current = "0.1.0"
}
