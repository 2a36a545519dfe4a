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

/// `mino logs [-f] [-l N] SESSION`: the output of a session's container while it exists
/// (containers are removed when sessions end). `mino logs --decisions SESSION`: the session's
/// decision log (every DNS decision of its resolver, every refused connection), kept after
/// the session ends.
enum LogsCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "logs",
        abstract: "Show a session's logs",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.follow, short: "f", help: "Keep printing new output"),
                    OptionSpec(
                        .lines, short: "l", kind: .option(valueName: "n"),
                        help: "Number of lines from the end to show, 0 for all", defaultValue: "100",
                        format: .unsignedInteger),
                    OptionSpec(.decisions, help: "Show the network decision log instead (DNS answers and refusals)"),
                    OptionSpec(
                        .format, kind: .option(valueName: "format"), help: "Output format of --decisions",
                        defaultValue: "table", allowedValues: ["table", "json"]),
                ])
        ],
        arguments: [ArgumentSpec(.session, help: "Name of the session")])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let (executor, record) = try SessionLookup.named(parsed, context)
        if parsed.flag(.decisions) {
            return try decisions(record, executor: executor, json: parsed.string(.format) == "json", context)
        }
        let name = record.name
        let argument = parsed.argument(.session)
        let id = record.containerID ?? record.containerName
        guard executor.podman.state(id).exists else {
            throw CommandFailure(
                exitCode: .failure,
                diagnostics: [
                    .error(
                        "session.no-logs",
                        "session `\(name)` has no container any more (status: \(record.status.rawValue))",
                        at: argument?.origin, help: "logs are available while a session runs")
                ])
        }
        let lines = parsed.unsignedInteger(.lines) ?? 100
        let arguments = PodmanCommands.logs(id, follow: parsed.flag(.follow), lines: Int(lines))
        let status = try? executor.runner.runAttached(
            ProcessSpec(
                "podman", arguments, environment: context.environment, input: .null, output: .inherit, error: .inherit),
            forwarding: [], onSignal: { _ in })
        return status == .exited(0) ? .success : .failure
    }
}

extension LogsCommand {
    /// Prints the decision log of `record`'s session.
    static func decisions(_ record: SessionRecord, executor: Executor, json: Bool, _ context: CommandContext) throws
        -> ExitCode
    {
        let path = DecisionLog.path(of: record.name, in: executor.store)
        guard let (records, malformed) = DecisionLog.read(path) else {
            if !json {
                context.standardOutput.write(
                    "No network decisions recorded for `\(Diagnostic.shown(record.name))`\n")
            }
            return .success
        }
        if malformed > 0 { context.standardError.write("warning: \(malformed) damaged line(s) of \(path) skipped\n") }
        if json {
            context.standardOutput.write(records.map { $0.jsonLine + "\n" }.joined())
            return .success
        }
        var table = TextTable([
            ("TIME", 24), ("KIND", 10), ("DECISION", 8), ("TARGET", 40), ("RULE", 36), ("DETAIL", 60),
        ])
        for entry in records {
            switch entry {
            case .dns(let query):
                var detail = [query.answers.map(\.description).joined(separator: ",")]
                if let ttl = query.ttl { detail.append("ttl \(ttl)") }
                if let reason = query.reason { detail.append(reason.description) }
                let rule = query.rule.map { $0 + " (" + (query.ruleOrigin ?? "?") + ")" } ?? ""
                table.row([
                    query.time, "dns", query.decision.rawValue,
                    Diagnostic.shown(query.name) + " " + query.type + " (" + query.transport.rawValue + ")",
                    Diagnostic.shown(rule), detail.filter { !$0.isEmpty }.joined(separator: " "),
                ])
            case .connection(let connection):
                let port = connection.port.map { ":\($0)" } ?? ""
                table.row([
                    connection.time, "connection", "deny",
                    Diagnostic.shown(connection.destination) + port + " (" + connection.protocolName + ")", "",
                    "\(connection.count)x",
                ])
            case .session:
                continue
            }
        }
        context.standardOutput.write(table.text)
        return .success
    }
}
