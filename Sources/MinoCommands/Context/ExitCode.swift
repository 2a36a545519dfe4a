import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// The exit status of a command, with names for the ones mino uses.
///
/// The meanings are documented in the root help (`mino --help`) and follow `sysexits.h`
/// where one fits.
import TOML

public struct ExitCode: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// The status passed to `exit`.
    public let rawValue: Int32

    /// Wraps a status.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Wraps a status.
    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// 0: the command did what was asked.
    public static let success = ExitCode(0)
    /// 1: the executor failed (podman, the file system, a credential provider…).
    public static let failure = ExitCode(1)
    /// 64 (`EX_USAGE`): the command line is wrong.
    public static let usageError = ExitCode(64)
    /// 65 (`EX_DATAERR`): a policy or TOML file is invalid.
    public static let dataError = ExitCode(65)
    /// 66 (`EX_NOINPUT`): a policy file is missing.
    public static let noInput = ExitCode(66)
    /// 69 (`EX_UNAVAILABLE`): the command is not available in this build.
    public static let unavailable = ExitCode(69)

    /// The status as a decimal number.
    public var description: String { String(rawValue) }
}
