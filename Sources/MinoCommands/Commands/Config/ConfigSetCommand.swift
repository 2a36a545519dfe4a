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

/// `mino config set KEY VALUE [--local]`: changes one key in the global config (the file
/// `-c/--config` or `MINO_CONFIG` names, else the default) or, with `--local`, in the project's
/// `.mino.toml`, through the format-preserving editor: comments, order and every other key stay
/// byte for byte. Members of table keys are set one at a time: `container.env.NAME VALUE`.
///
/// A project file the user had accepted (approved, new, or narrowing only) stays accepted after
/// their own edit; a file holding unapproved widening settings stays unapproved.
enum ConfigSetCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "set",
        abstract: "Set a key in the global or the project config",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [OptionSpec(.local, help: "Write to .mino.toml in the current directory instead")])
        ],
        arguments: [
            ArgumentSpec(.key, help: "Dotted key, e.g. container.image"),
            ArgumentSpec(.value, help: "The new value; lists are comma-separated"),
        ])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        guard let keyArgument = parsed.argument(.key), let valueArgument = parsed.argument(.value) else {
            return .usageError
        }
        let (key, member) = try resolveKey(keyArgument)
        let setting: ConfigSetting
        switch ConfigValueText.setting(
            member == nil
                ? valueArgument.value
                : "{ \(TOMLWriter.inline(.string(member ?? ""))) = "
                    + "\(TOMLWriter.inline(.string(valueArgument.value))) }",
            for: key, at: valueArgument.origin)
        {
        case .success(let value): setting = value
        case .failure(let error): throw CommandFailure(exitCode: .usageError, diagnostics: error.diagnostics)
        }
        let locations = ConfigLocations(parsed: parsed, context: context)
        let local = parsed.flag(.local)
        let path = local ? ConfigFileEditing.projectFile(locations) : locations.globalConfigPath
        let display = locations.display(path)
        try ConfigFileEditing(locations: locations, context: context).set(
            member.map { key.path + [$0] } ?? key.path, to: memberValue(setting, member), in: path, local: local)
        let shown =
            member.map { name in
                EnvironmentVariable.looksSecret(name: name) ? "<redacted>" : valueArgument.value
            } ?? setting.value.redacted(memberOrigins: [:]).tomlText
        context.standardOutput.write("Set \(keyArgument.value) = \(shown) in \(display)\n")
        return .success
    }

    /// The schema key, and the member name for `TABLE.MEMBER`; unknown keys get "did you mean".
    static func resolveKey(_ argument: ParsedValue) throws(CommandFailure) -> (ConfigKey, String?) {
        let name = argument.value
        if let key = ConfigSchema.key(named: name) {
            guard key.settable, key.type != .table else {
                throw CommandFailure(
                    exitCode: .usageError, diagnostics: [.configKeyNotSettable(key, at: argument.origin)])
            }
            return (key, nil)
        }
        if let dot = name.lastIndex(of: "."), let key = ConfigSchema.key(named: String(name[..<dot])),
            key.type == .table
        {
            return (key, String(name[name.index(after: dot)...]))
        }
        let candidates = ConfigSchema.keys.filter { $0.settable && $0.type != .table }.map(\.name)
        throw CommandFailure(
            exitCode: .usageError,
            diagnostics: [
                .error(
                    "config.unknown-key", "unknown config key `\(name)`", at: argument.origin,
                    help: NameSuggestion.closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
                        ?? "`mino config show` lists every key")
            ])
    }

    /// The TOML value to write: the value, or for `TABLE.MEMBER` the member's string.
    private static func memberValue(_ setting: ConfigSetting, _ member: String?) -> TOMLValue.Kind {
        if let member, case .table(let members) = setting.value { return .string(members[member] ?? "") }
        return setting.value.tomlKind
    }
}

extension Diagnostic {
    static func configKeyNotSettable(_ key: ConfigKey, at origin: Origin) -> Diagnostic {
        .error(
            "config.not-settable", "`\(key.name)` cannot be set as a whole", at: origin,
            help: key.type == .table
                ? "set one member at a time: `mino config set \(key.name).NAME VALUE`"
                : "edit the file with `mino config path` to find it")
    }
}
