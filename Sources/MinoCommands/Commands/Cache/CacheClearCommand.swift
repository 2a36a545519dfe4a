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

/// `mino cache clear --volumes|--images|--home|--all [-y]`: removes mino's cache volumes,
/// composed images or home volumes after one confirmation.
///
/// Only mino's own objects are touched: volumes carrying mino's labels and images tagged
/// `mino-composed-*`. Nothing is forced, so a volume or image a container still uses (any
/// container, mino's or not) is kept and named; no container is ever removed.
enum CacheClearCommand: RunnableCommand {
    static let spec = CommandSpec(
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

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let all = parsed.flag(.all)
        let tools = try CacheTools(parsed: parsed, context: context)
        let catalog = try CacheCatalog.load(tools)
        let caches = all || parsed.flag(.volumes) ? catalog.caches : []
        let homes = all || parsed.flag(.home) ? catalog.homes : []
        let images = all || parsed.flag(.images) ? try composedImages(tools) : []
        guard !caches.isEmpty || !homes.isEmpty || !images.isEmpty else {
            context.standardOutput.write("Nothing to clear.\n")
            return .success
        }
        var summary = ""
        if !caches.isEmpty {
            let bytes = caches.reduce(Int64(0)) { $0 + ($1.sizeBytes ?? 0) }
            summary += "\(caches.count) cache volume(s) (\(CacheUsage.format(bytes))):\n"
            summary += caches.map { "  \($0.volume.name)\n" }.joined()
        }
        if !homes.isEmpty {
            summary +=
                "\(homes.count) home volume(s):\n" + homes.map { "  \($0.volume.name) (\($0.project))\n" }.joined()
        }
        if !images.isEmpty {
            summary += "\(images.count) composed image(s):\n" + images.map { "  \($0)\n" }.joined()
        }
        context.standardError.write("This will remove " + summary)
        if !parsed.flag(.yes) {
            guard context.isInteractive else {
                throw CommandFailure(exitCode: .failure, diagnostics: [.cacheClearNeedsConfirmation()])
            }
            guard Menu(context: context).confirm("Remove them?") else {
                context.standardError.write("Nothing removed.\n")
                return .failure
            }
        }
        var kept = [String]()
        var removed = (caches: 0, homes: 0, images: 0)
        var freed: Int64 = 0
        for cache in caches {
            if let reason = try tools.removeUnlessUsed(cache.volume.name) {
                kept.append("\(cache.volume.name): \(reason)")
            } else {
                removed.caches += 1
                freed += cache.sizeBytes ?? 0
            }
        }
        for home in homes {
            if let reason = try tools.removeUnlessUsed(home.volume.name) {
                kept.append("\(home.volume.name): \(reason)")
            } else {
                removed.homes += 1
            }
        }
        for image in images {
            do {
                try tools.executor.podman.run(PodmanCommands.removeImage(image), timeout: .seconds(300))
                removed.images += 1
            } catch {
                kept.append("\(image): still used by a container")
            }
        }
        var out = "Cleared \(removed.caches) cache volume(s) (\(CacheUsage.format(freed)))"
        out += " + \(removed.images) image(s) + \(removed.homes) home volume(s)\n"
        for line in kept { out += "kept \(line)\n" }
        context.standardOutput.write(out)
        return kept.isEmpty ? .success : .failure
    }

    /// Tags of composed images (`mino-composed-*`), sorted.
    static func composedImages(_ tools: CacheTools) throws(CommandFailure) -> [String] {
        let output = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try tools.executor.podman.run(PodmanCommands.imageList, timeout: .seconds(60)).output
        }
        guard let items = try? JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]] else { return [] }
        let names = items.flatMap { $0["Names"] as? [String] ?? [] }
        return Array(
            Set(names.filter { $0.hasPrefix("mino-composed-") || $0.contains("/mino-composed-") })
        ).sorted()
    }
}

extension Diagnostic {
    static func cacheClearNeedsConfirmation() -> Diagnostic {
        .error(
            "cache.confirmation-required", "refusing to remove without confirmation in a non-interactive run",
            help: "pass -y to confirm")
    }
}
