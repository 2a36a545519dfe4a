import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino cache info [-p DIR]`: the lockfiles a project has, the cache volume each maps to and
/// that volume's state, then the project's and the total cache usage.
enum CacheInfoCommand: RunnableCommand {
    static let spec = CommandSpec(
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

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let given = parsed.string(.project).map { ConfigLocations.absolute($0, from: context.currentDirectory) }
        let directory = ConfigLocations.canonical(given ?? context.currentDirectory)
        let lockfiles = try LockfileScanner.scan(projectDirectory: directory)
        var out = "Project: \(directory)\n"
        guard !lockfiles.isEmpty else {
            context.standardOutput.write(out + "No lockfiles detected in this project.\n")
            return .success
        }
        let tools = try CacheTools(parsed: parsed, context: context)
        let catalog = try CacheCatalog.load(tools)
        var table = TextTable([("LOCKFILE", 20), ("ECOSYSTEM", 9), ("VOLUME", 36), ("STATE", 8), ("SIZE", 9)])
        var projectBytes: Int64 = 0
        for lockfile in lockfiles {
            let name = lockfile.volumeName(project: tools.sharedCaches ? nil : directory)
            let cache = catalog.caches.first { $0.volume.name == name }
            projectBytes += cache?.sizeBytes ?? 0
            table.row([
                lockfile.fileName, lockfile.ecosystem.id, name,
                cache?.state.rawValue ?? "miss", cache?.sizeBytes.map(CacheUsage.format) ?? "-",
            ])
        }
        out += "\n" + table.text + "\n"
        out += "Project cache size: \(CacheUsage.format(projectBytes))\n"
        out += "Total cache usage: \(catalog.usage.summary)\n"
        context.standardOutput.write(out)
        return .success
    }
}
