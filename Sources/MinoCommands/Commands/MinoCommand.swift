import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// The root of the command tree: `mino` and its global options.
///
/// `subcommands` is the one list of the commands; the groups (`ConfigCommand`,
/// `PolicyCommand`, `CacheCommand`) list theirs. The spec tree and `CommandRegistry.standard`
/// are both derived from it.
enum MinoCommand: CommandGroup {
    /// Every command and group under `mino`, in the order help lists them.
    static var subcommands: [any CommandNode.Type] {
        [
            RunCommand.self,
            PlanCommand.self,
            ExecCommand.self,
            ListCommand.self,
            StopCommand.self,
            LogsCommand.self,
            InitCommand.self,
            StatusCommand.self,
            SetupCommand.self,
            ConfigCommand.self,
            PolicyCommand.self,
            CacheCommand.self,
            CompletionsCommand<MinoCommand>.self,
            HelpCommand.self,
            SuperviseCommand.self,
            FenceHookCommand.self,
        ]
    }

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
        subcommands: subcommands.map { $0.spec })
}

extension MinoCommand: CommandTreeSource {
    /// The tree with the commands of `CommandRegistry.standard` marked implemented.
    static var implementedTree: CommandSpec {
        spec.markingImplemented(CommandRegistry.standard.paths)
    }
}
