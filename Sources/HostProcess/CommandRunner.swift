/// How a child process is started.
import Diagnostics

public struct ProcessSpec: Sendable, Hashable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable, Hashable {
        /// `/dev/null`.
        case null
        /// These bytes, then end of file.
        case bytes([UInt8])
        /// mino's own standard input (the terminal, for attached sessions).
        case inherit
    }

    /// Where a child's output goes.
    public enum Output: Sendable, Hashable {
        /// Collected and returned in `ProcessResult`.
        case capture
        /// mino's own stream.
        case inherit
        /// `/dev/null`.
        case null
    }

    /// The program: an absolute path, or a name looked up in `PATH` of `environment`
    /// (and `/usr/sbin`, `/sbin` after it, where system tools live).
    public var executable: String
    /// The arguments after the program name.
    public var arguments: [String]
    /// The child's complete environment (nothing is inherited implicitly). Secret values
    /// reach podman only this way, never through `arguments`.
    public var environment: [String: String]
    /// Standard input.
    public var input: Input
    /// Standard output.
    public var output: Output
    /// Standard error.
    public var error: Output
    /// The working directory, if not mino's.
    public var workingDirectory: String?

    /// Creates a spec; output and error are captured and input is empty by default.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String], input: Input = .null,
        output: Output = .capture, error: Output = .capture, workingDirectory: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.input = input
        self.output = output
        self.error = error
        self.workingDirectory = workingDirectory
    }
}

/// How a child ended.
public enum ProcessStatus: Sendable, Hashable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal ended it.
    case signaled(Int32)

    /// The status a shell would report: the exit status, or 128 + signal.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }
}

/// A finished child.
public struct ProcessResult: Sendable, Hashable {
    /// How it ended.
    public var status: ProcessStatus
    /// Captured standard output (empty unless `.capture`).
    public var output: [UInt8]
    /// Captured standard error (empty unless `.capture`).
    public var error: [UInt8]

    /// Creates a result.
    public init(status: ProcessStatus, output: [UInt8] = [], error: [UInt8] = []) {
        self.status = status
        self.output = output
        self.error = error
    }

    /// Standard output as text (invalid UTF-8 repaired).
    public var outputText: String { String(decoding: output, as: UTF8.self) }
    /// Standard error as text (invalid UTF-8 repaired).
    public var errorText: String { String(decoding: error, as: UTF8.self) }
    /// Whether it exited with status 0.
    public var succeeded: Bool { status == .exited(0) }
}

/// Why a child could not be run.
public struct ProcessError: Error, Sendable, Hashable {
    /// What failed.
    public enum Kind: Sendable, Hashable {
        /// The program was not found (on `PATH` or at the path given).
        case notFound
        /// `posix_spawn` or a pipe failed; `errno` in `code`.
        case spawnFailed
        /// The deadline passed; the child was killed (SIGTERM, then SIGKILL).
        case timedOut
    }

    /// What failed.
    public var kind: Kind
    /// The program as given.
    public var executable: String
    /// `errno` for `spawnFailed`, else 0.
    public var code: Int32

    /// Creates an error.
    public init(kind: Kind, executable: String, code: Int32 = 0) {
        self.kind = kind
        self.executable = executable
        self.code = code
    }
}

/// Signals mino forwards to or acts upon while supervising a child.
public enum ForwardedSignal: Int32, Sendable, CaseIterable {
    /// Interrupt (Ctrl-C outside raw mode, `kill -INT`).
    case interrupt = 2
    /// Hang-up (terminal closed).
    case hangUp = 1
    /// Termination request.
    case terminate = 15
    /// Terminal size changed.
    case windowChange = 28
}

/// The only way mino runs other programs: real processes in `mino`, a recording fake in unit
/// tests. Everything that touches podman, nsenter or iptables goes through it.
public protocol CommandRunner: Sendable {
    /// Runs a child to completion. With a `timeout`, a child still running at the deadline is
    /// sent SIGTERM, then SIGKILL after two seconds, and `ProcessError.timedOut` is thrown.
    func run(_ spec: ProcessSpec, timeout: Duration?) throws(ProcessError) -> ProcessResult

    /// Runs a child attached to mino's terminal (input, output and error inherited) until it
    /// ends. While it runs, each signal in `forwarding` that mino receives is handed to
    /// `onSignal` (on a background queue) instead of taking mino's default action; the handler
    /// decides (e.g. stop the container). mino's terminal attributes are saved before and
    /// restored after, whatever happens. SIGWINCH is passed on to the child when asked.
    func runAttached(
        _ spec: ProcessSpec, forwarding: Set<ForwardedSignal>, onSignal: @escaping @Sendable (ForwardedSignal) -> Void
    ) throws(ProcessError) -> ProcessStatus

    /// Starts a child that outlives mino (a detached supervisor): new session (`setsid`),
    /// standard streams as given (inherit is not allowed), not waited for. Returns its pid.
    func spawnDetached(_ spec: ProcessSpec) throws(ProcessError) -> Int32
}
