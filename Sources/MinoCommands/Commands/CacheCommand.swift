import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// `mino cache`: dependency caches, home volumes and composed images.
import TOML

enum CacheCommand {
    static let list = CommandSpec(
        name: "list",
        abstract: "List cache volumes",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .format, short: "f", kind: .option(valueName: "format"), help: "Output format",
                        defaultValue: "table", allowedValues: ["table", "json", "plain"])
                ])
        ])

    static let info = CommandSpec(
        name: "info",
        abstract: "Show the caches a project uses",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .project, short: "p", kind: .option(valueName: "dir"), help: "Project directory",
                        defaultDescription: "the current directory")
                ])
        ])

    static let gc = CommandSpec(
        name: "gc",
        abstract: "Remove caches not used for a number of days",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(
                        .days, kind: .option(valueName: "n"), help: "Remove caches unused for this many days",
                        defaultDescription: "cache.gc_days from the config", format: .unsignedInteger),
                    OptionSpec(.dryRun, help: "Show what would be removed; remove nothing"),
                ])
        ])

    static let clear = CommandSpec(
        name: "clear",
        abstract: "Remove caches, home volumes or composed images",
        optionGroups: [
            OptionGroup(
                title: "WHAT TO REMOVE",
                options: [
                    OptionSpec(.volumes, help: "Dependency cache volumes"),
                    OptionSpec(.images, help: "Composed layer images"),
                    OptionSpec(.home, help: "Persistent home volumes"),
                    OptionSpec(.all, help: "All of the above"),
                ]),
            OptionGroup(title: nil, options: [OptionSpec(.yes, short: "y", help: "Do not ask for confirmation")]),
        ],
        constraints: [
            .atLeastOne(of: [.volumes, .images, .home, .all]),
            .conflicts(.all, with: [.volumes, .images, .home]),
        ])

    static let spec = CommandSpec(
        name: "cache",
        abstract: "Manage dependency caches, home volumes and composed images",
        subcommands: [list, info, gc, clear])
}
