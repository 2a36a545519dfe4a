import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino run`: start a sandboxed session.
import TOML

enum RunCommand {
    static let spec = CommandSpec(
        name: "run",
        abstract: "Start a sandboxed session",
        discussion: """
            Compiles the policy, starts a container with the project mounted and everything else denied \
            unless the policy allows it, and runs the command in it. Give the command after '--', for \
            example: mino run -- claude --resume
            """,
        optionGroups: RunOptions.groups,
        passthrough: PassthroughSpec(valueName: "command", help: "The command to run, after '--' (default: the shell)"),
        constraints: RunOptions.constraints)
}
