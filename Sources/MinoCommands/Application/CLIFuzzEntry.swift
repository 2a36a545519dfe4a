import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// An entry point for a fuzzing harness: runs the whole command line front end (parse, help,
/// version, usage-error rendering in every format) on arbitrary arguments, writing nothing and
/// touching nothing in the process. No command handler runs: the registry is empty.
import TOML

public enum CLIFuzzEntry {
    /// Runs `mino` on `arguments` (without the program name) and returns the exit status,
    /// which is always 0 (help, version), 64 (usage error) or 69 (no handler).
    @discardableResult
    public static func parse(_ arguments: [String], width: Int = 80, environment: [String: String] = [:]) -> Int32 {
        let context = CommandContext(arguments: arguments, environment: environment, terminalWidth: width)
        return MinoApplication.run(context, registry: CommandRegistry())
    }
}
