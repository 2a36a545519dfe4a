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

/// `mino cache list [-f table|json|plain]`: cache volumes with ecosystem, state, size and last
/// use and whether each is bound to a project or shared, then home volumes with their project.
enum CacheListCommand: RunnableCommand {
    static let spec = CommandSpec(
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

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let catalog = try CacheCatalog.load(CacheTools(parsed: parsed, context: context))
        switch parsed.string(.format) ?? "table" {
        case "json": context.standardOutput.write(json(catalog).rendered(pretty: true) + "\n")
        case "plain":
            context.standardOutput.write(
                (catalog.caches.map(\.volume.name) + catalog.homes.map(\.volume.name)).map { $0 + "\n" }.joined())
        default: context.standardOutput.write(table(catalog))
        }
        return .success
    }

    static func json(_ catalog: CacheCatalog) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(SessionRecord.timestamp($0)) } ?? .null }
        func size(_ bytes: Int64?) -> JSONValue { bytes.map { .integer($0) } ?? .null }
        return .object([
            "caches": .array(
                catalog.caches.map {
                    .object([
                        "name": .string($0.volume.name), "ecosystem": .string($0.ecosystem), "hash": .string($0.key),
                        "scope": .string($0.project == nil ? "shared" : "project"),
                        "project_path": $0.project.map(JSONValue.string) ?? .null,
                        "state": .string($0.state.rawValue), "size_bytes": size($0.sizeBytes),
                        "created_at": time($0.createdAt), "last_used_at": time($0.lastUsedAt),
                    ])
                }),
            "home_volumes": .array(
                catalog.homes.map {
                    .object([
                        "name": .string($0.volume.name), "project_path": .string($0.project),
                        "created_at": time($0.createdAt), "size_bytes": size($0.sizeBytes),
                    ])
                }),
            "total_size_bytes": .integer(catalog.usage.totalBytes), "limit_bytes": .integer(catalog.usage.limitBytes),
            "usage_percent": .number((catalog.usage.percent * 10).rounded() / 10),
        ])
    }

    static func table(_ catalog: CacheCatalog) -> String {
        guard !catalog.caches.isEmpty || !catalog.homes.isEmpty else { return "No cache or home volumes found.\n" }
        var out = ""
        if !catalog.caches.isEmpty {
            var table = TextTable([
                ("VOLUME", 45), ("ECOSYSTEM", 9), ("STATE", 8), ("SIZE", 9), ("CREATED", 16), ("LAST USED", 16),
                ("PROJECT", 40),
            ])
            for cache in catalog.caches {
                table.row([
                    cache.volume.name, cache.ecosystem, cache.state.rawValue,
                    cache.sizeBytes.map(CacheUsage.format) ?? "-", TextTable.minute(cache.createdAt),
                    TextTable.minute(cache.lastUsedAt), cache.project ?? "shared",
                ])
            }
            out += table.text + "\n"
            if let warning = catalog.usage.runWarning {
                out += "Total: ! \(warning)\n"
            } else {
                out += "Total: \(catalog.usage.summary)\n"
            }
            out += "\(catalog.caches.count) cache(s)\n"
        }
        if !catalog.homes.isEmpty {
            if !out.isEmpty { out += "\n" }
            var table = TextTable([("VOLUME", 36), ("SIZE", 9), ("CREATED", 16), ("PROJECT", 40)])
            for home in catalog.homes {
                table.row([
                    home.volume.name, home.sizeBytes.map(CacheUsage.format) ?? "-", TextTable.minute(home.createdAt),
                    home.project,
                ])
            }
            out += table.text + "\n\(catalog.homes.count) home volume(s)\n"
        }
        return out
    }
}
