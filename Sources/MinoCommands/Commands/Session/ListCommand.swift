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

/// `mino list [-a] [-f table|json|plain]`: running sessions (all with `-a`), after cleaning up
/// sessions whose supervisor died, so the list never shows ghosts.
enum ListCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "list",
        abstract: "List sessions",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.all, short: "a", help: "Include stopped and failed sessions"),
                    OptionSpec(
                        .format, short: "f", kind: .option(valueName: "format"), help: "Output format",
                        defaultValue: "table", allowedValues: ["table", "json", "plain"]),
                ])
        ])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let executor = try Executor(context: context)
        executor.reconcile()
        let records = executor.store.all().filter { parsed.flag(.all) || $0.isActive }
        switch parsed.string(.format) ?? "table" {
        case "json":
            context.standardOutput.write(JSONValue.array(records.map(\.json)).rendered(pretty: true) + "\n")
        case "plain":
            context.standardOutput.write(records.map { $0.name + "\n" }.joined())
        default:
            context.standardOutput.write(table(records, all: parsed.flag(.all)))
        }
        return .success
    }

    static func table(_ records: [SessionRecord], all: Bool) -> String {
        guard !records.isEmpty else { return all ? "No sessions\n" : "No active sessions\n" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        func cell(_ text: String, _ width: Int) -> String {
            let clipped = text.count > width ? String(text.prefix(width - 1)) + "…" : text
            return clipped.padding(width)
        }
        var out =
            cell("NAME", 20) + " " + cell("STATUS", 12) + " " + cell("RUNTIME", 10) + " " + cell("STARTED", 16) + " "
        out += cell("DENIED", 6) + " " + cell("PROJECT", 30) + " NOTE\n"
        for record in records {
            let project = record.projectDirectory.split(separator: "/").last.map(String.init) ?? "unknown"
            var note = record.endReason ?? ""
            if note.isEmpty, let code = record.exitCode { note = "exit \(code)" }
            if note.isEmpty, record.detached, record.isActive { note = "detached" }
            out += cell(record.name, 20) + " " + cell(record.status.rawValue, 12) + " " + cell("container", 10) + " "
            out += cell(formatter.string(from: record.createdAt), 16) + " " + cell(String(record.deniedCount), 6) + " "
            out += cell(project, 30) + " " + note + "\n"
        }
        out += "\n\(records.count) session(s)\n"
        return out
    }
}
