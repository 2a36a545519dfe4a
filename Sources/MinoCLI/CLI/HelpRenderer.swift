import Diagnostics

/// Renders help and usage lines from the command tree.
///
/// Sections, in order: `OVERVIEW`, the discussion, `USAGE`, `ARGUMENTS`, one titled section
/// per option group (global ones last), `OPTIONS` (untitled options plus help and version),
/// `SUBCOMMANDS`, and the footer pointing at `mino help <subcommand>`.

public struct HelpRenderer: Sendable {
    /// The narrowest width help is wrapped to, whatever the terminal says.
    public static let minimumWidth = 40
    /// Where help text starts in an entry; longer labels put the text on the next line.
    package static let labelColumn = 26

    /// The command tree.
    public let root: CommandSpec
    /// The line width to wrap to.
    public let width: Int
    /// The program name.
    public let programName: String

    /// Creates a renderer; widths under `minimumWidth` are raised to it.
    public init(root: CommandSpec, width: Int, programName: String = "mino") {
        self.root = root
        self.width = max(width, HelpRenderer.minimumWidth)
        self.programName = programName
    }

    /// The full help of the command at `path` (canonical names or aliases), or `nil` if there
    /// is no such command.
    public func help(for path: [String]) -> String? {
        guard let chain = root.chain(to: path), let command = chain.last else { return nil }
        var sections: [[String]] = []
        sections.append(TextWrapping.wrap(command.abstract, width: width, firstPrefix: "OVERVIEW: ", indent: 2))
        if let discussion = command.discussion {
            sections.append(TextWrapping.wrapBlock(discussion, width: width))
        }
        sections.append(usageLines(chain, prefix: "USAGE: "))

        var arguments = command.arguments.map { entry($0.key.description + ($0.isRepeating ? " ..." : ""), $0.help) }
        if let passthrough = command.passthrough {
            arguments.append(entry("-- <\(passthrough.valueName)> ...", passthrough.help))
        }
        if !arguments.isEmpty { sections.append(["ARGUMENTS:"] + arguments.flatMap { $0 }) }

        var untitled: [OptionSpec] = []
        let globalGroups = chain.flatMap(\.globalOptionGroups)
        for group in command.optionGroups + globalGroups {
            let visible = group.options.filter { !$0.isHidden }
            guard let title = group.title else {
                untitled += visible
                continue
            }
            if !visible.isEmpty { sections.append([title + ":"] + visible.flatMap(optionEntry)) }
        }
        var options = untitled.flatMap(optionEntry)
        options += entry("-h, --help", "Show help information")
        options += entry("-V, --version", "Show the version")
        sections.append(["OPTIONS:"] + options)

        if !command.subcommands.isEmpty {
            let entries = command.subcommands.filter { !$0.isHidden }.flatMap { sub -> [String] in
                let label = sub.name + (sub.name == command.defaultSubcommand ? " (default)" : "")
                let aliases = sub.aliases.isEmpty ? "" : " (alias: \(sub.aliases.joined(separator: ", ")))"
                return entry(label, sub.abstract + aliases)
            }
            sections.append(["SUBCOMMANDS:"] + entries)
            let footer = "See '\(programName) help <subcommand>' for detailed help."
            sections.append(TextWrapping.wrap(footer, width: width, firstPrefix: "  ", indent: 2))
        }
        return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// The usage line of the command at `path`, starting with `prefix` and wrapped.
    public func usage(for path: [String], prefix: String = "Usage: ") -> String? {
        guard let chain = root.chain(to: path) else { return nil }
        return usageLines(chain, prefix: prefix).joined(separator: "\n")
    }

    /// The parts of a usage line: the command words, `[<options>]`, required option groups,
    /// positional arguments, passthrough and subcommand.
    package func usageAtoms(_ chain: [CommandSpec]) -> [String] {
        guard let command = chain.last else { return [programName] }
        var atoms = [([programName] + chain.dropFirst().map(\.name)).joined(separator: " "), "[<options>]"]
        for constraint in chain.flatMap(\.constraints) {
            // `(--volumes | --images | --home | --all)`, in pieces so that it can wrap.
            if case .atLeastOne(let keys) = constraint {
                for (offset, key) in keys.enumerated() {
                    let piece = (offset == 0 ? "(" : "| ") + key.description
                    atoms.append(offset == keys.count - 1 ? piece + ")" : piece)
                }
            }
        }
        atoms += command.arguments.map(\.usage)
        if let passthrough = command.passthrough {
            atoms.append("[-- <\(passthrough.valueName)> ...]")
        }
        if !command.subcommands.isEmpty {
            atoms.append(command.defaultSubcommand == nil ? "<subcommand>" : "[<subcommand>]")
        }
        return atoms
    }

    package func usageLines(_ chain: [CommandSpec], prefix: String) -> [String] {
        var lines: [String] = []
        var line = prefix
        var lineHasAtom = false
        for atom in usageAtoms(chain) {
            if lineHasAtom, line.count + 1 + atom.count > width {
                lines.append(line)
                line = String(repeating: " ", count: prefix.count)
                lineHasAtom = false
            }
            line += (lineHasAtom ? " " : "") + atom
            lineHasAtom = true
        }
        lines.append(line)
        return lines
    }

    /// The label of an option: `-n, --name <name>`, `--github/--no-github`, `--layers <layer>,...`.
    package static func label(_ option: OptionSpec) -> String {
        var names: [String] = []
        if let short = option.shortName { names.append("-" + String(short)) }
        names.append(option.kind == .inversion ? "--\(option.longName)/--no-\(option.longName)" : option.displayName)
        var label = names.joined(separator: ", ")
        switch option.kind {
        case .flag, .counter, .inversion:
            break
        case .option(let valueName), .repeating(let valueName):
            label += " <\(valueName)>"
        case .list(let valueName):
            label += " <\(valueName)>,..."
        }
        return label
    }

    /// The help text of an option with its notes: allowed values, default, environment
    /// variable, whether it repeats.
    package static func annotatedHelp(_ option: OptionSpec) -> String {
        var notes: [String] = []
        if let allowed = option.allowedValues { notes.append("values: " + allowed.joined(separator: ", ")) }
        if let shown = option.defaultValue ?? option.defaultDescription { notes.append("default: " + shown) }
        if let variable = option.environment { notes.append("env: " + variable) }
        switch option.kind {
        case .repeating: notes.append("repeatable")
        case .list: notes.append("comma-separated, repeatable")
        case .counter: notes.append("repeatable")
        case .flag, .inversion, .option: break
        }
        return notes.isEmpty ? option.help : option.help + " (" + notes.joined(separator: "; ") + ")"
    }

    package func optionEntry(_ option: OptionSpec) -> [String] {
        entry(HelpRenderer.label(option), HelpRenderer.annotatedHelp(option))
    }

    /// One entry: the label indented by two, the text from `labelColumn`, wrapped.
    package func entry(_ label: String, _ text: String) -> [String] {
        let column = HelpRenderer.labelColumn
        let padded = "  " + label
        if padded.count < column {
            let prefix = padded + String(repeating: " ", count: column - padded.count)
            return TextWrapping.wrap(text, width: width, firstPrefix: prefix, indent: column)
        }
        let indent = String(repeating: " ", count: column)
        return [padded] + TextWrapping.wrap(text, width: width, firstPrefix: indent, indent: column)
    }
}
