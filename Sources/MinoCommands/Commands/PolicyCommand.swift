import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino policy`: check and explain policies without running anything.
import TOML

enum PolicyCommand {
    static let check = CommandSpec(
        name: "check",
        abstract: "Check policy files for errors",
        discussion: """
            Reports every error and warning with its file, line and column. Exits 65 when a file is invalid \
            and 66 when one is missing.
            """,
        arguments: [
            ArgumentSpec(
                .files, help: "Files to check (default: the global config and the project's .mino.toml)",
                isOptional: true, isRepeating: true)
        ])

    static let explain = CommandSpec(
        name: "explain",
        abstract: "Show the value of a setting and where it comes from",
        arguments: [ArgumentSpec(.key, help: "Dotted key, e.g. container.network")])

    static let spec = CommandSpec(
        name: "policy",
        abstract: "Check and explain sandbox policies",
        subcommands: [check, explain])
}
