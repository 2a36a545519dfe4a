import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

extension CommandRegistry {
    /// The commands this build can run: one line per command, `(path, handler)`, e.g.
    /// `(["config", "path"], ConfigPathCommand.run),`.
    ///
    /// Help (`--help`, `mino help …`) and `--version` are answered by the application itself
    /// and need no entry here.
    public static let standard = CommandRegistry([
        (["config", "path"], ConfigPathCommand.run),
        (["config", "show"], ConfigShowCommand.run),
        (["config", "init"], ConfigInitCommand.run),
        (["config", "set"], ConfigSetCommand.run),
        (["init"], ProjectInitCommand.run),
        (["completions"], CompletionsScriptCommand.run),
        (["setup"], SetupHostCommand.run),
        (["status"], StatusReportCommand.run),
        (["policy", "check"], PolicyCheckCommand.run),
        (["policy", "explain"], PolicyExplainCommand.run),
        (["plan"], PlanRunCommand.run),
        (["run"], RunSessionCommand.run),
        (["supervise"], SuperviseCommand.run),
        (["list"], ListSessionsCommand.run),
        (["stop"], StopSessionCommand.run),
        (["logs"], LogsSessionCommand.run),
        (["exec"], ExecSessionCommand.run),
        (["cache", "list"], CacheListCommand.run),
        (["cache", "info"], CacheInfoCommand.run),
        (["cache", "gc"], CacheGCCommand.run),
        (["cache", "clear"], CacheClearCommand.run),
    ])
}
