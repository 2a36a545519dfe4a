import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// The root of the command tree: `mino` and its global options.
import TOML

enum MinoCommand {
    static let spec = CommandSpec(
        name: "mino",
        abstract: "Run AI coding agents in a hardened podman sandbox",
        discussion: """
            mino compiles built-in defaults, presets, your global config, an approved project .mino.toml \
            and the command-line flags into one sandbox policy, then runs the agent under it. 'mino plan' \
            shows what would run without starting anything.

            EXIT CODES:
              0   success
              1   the executor failed
              64  bad command line
              65  invalid policy or TOML
              66  policy file missing
              69  command not available in this build
              'mino run' and 'mino exec' exit with the agent's own exit code.
            """,
        globalOptionGroups: [GlobalOptions.group],
        constraints: GlobalOptions.constraints,
        subcommands: [
            RunCommand.spec,
            PlanCommand.spec,
            ExecCommand.spec,
            ListCommand.spec,
            StopCommand.spec,
            LogsCommand.spec,
            InitCommand.spec,
            StatusCommand.spec,
            SetupCommand.spec,
            ConfigCommand.spec,
            PolicyCommand.spec,
            CacheCommand.spec,
            CompletionsCommand.spec,
            HelpCommand.spec,
            SuperviseCommand.spec,
        ])
}
