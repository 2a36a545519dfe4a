import Diagnostics

/// One command of the tree (`mino`, `mino cache clear`), declared as data.
///
/// The parser, help, usage lines, did-you-mean suggestions and the spec self-check all read
/// the same tree, so a flag declared once appears consistently everywhere.

public struct CommandSpec: Sendable {
    /// The word that selects the command (`clear`).
    public let name: String
    /// Other words that select it (`doctor` for `status`).
    public let aliases: [String]
    /// One line for `OVERVIEW` and subcommand lists, no final period.
    public let abstract: String
    /// Longer text under the overview; lines starting with spaces keep their indentation.
    public let discussion: String?
    /// The command's own options, grouped into help sections.
    public let optionGroups: [OptionGroup]
    /// Option groups that every subcommand accepts too (only the root declares these), before
    /// or after the subcommand name.
    public let globalOptionGroups: [OptionGroup]
    /// Positional arguments, in order.
    public let arguments: [ArgumentSpec]
    /// What follows `--`, if the command passes it through.
    public let passthrough: PassthroughSpec?
    /// Conflicts and "at least one of" rules between options.
    public let constraints: [OptionConstraint]
    /// Subcommands, in help order.
    public internal(set) var subcommands: [CommandSpec]
    /// The subcommand run when none is named (`mino config` runs `config show`).
    public let defaultSubcommand: String?
    /// Whether this build has a handler for the command. Set from the command registry at
    /// start-up (`markingImplemented`), never declared by hand, so it cannot drift from it.
    public internal(set) var isImplemented: Bool
    /// Internal commands mino runs itself (the detached-session supervisor): they parse like
    /// any command but are left out of help listings and suggestions.
    public let isHidden: Bool

    /// Declares a command.
    public init(
        name: String,
        aliases: [String] = [],
        abstract: String,
        discussion: String? = nil,
        optionGroups: [OptionGroup] = [],
        globalOptionGroups: [OptionGroup] = [],
        arguments: [ArgumentSpec] = [],
        passthrough: PassthroughSpec? = nil,
        constraints: [OptionConstraint] = [],
        subcommands: [CommandSpec] = [],
        defaultSubcommand: String? = nil,
        isHidden: Bool = false
    ) {
        self.name = name
        self.aliases = aliases
        self.abstract = abstract
        self.discussion = discussion
        self.optionGroups = optionGroups
        self.globalOptionGroups = globalOptionGroups
        self.arguments = arguments
        self.passthrough = passthrough
        self.constraints = constraints
        self.subcommands = subcommands
        self.defaultSubcommand = defaultSubcommand
        self.isHidden = isHidden
        self.isImplemented = false
    }

    /// The command's own options (global groups included for the root).
    public var options: [OptionSpec] {
        (optionGroups + globalOptionGroups).flatMap(\.options)
    }

    /// The subcommand selected by `word` (its name or an alias).
    public func subcommand(named word: String) -> CommandSpec? {
        subcommands.first { $0.name == word || $0.aliases.contains(word) }
    }

    /// Every path below and including this command, depth first: `[]`, `["cache"]`,
    /// `["cache", "list"]`, … (paths are relative to this command).
    public var allPaths: [[String]] {
        [[]] + subcommands.flatMap { child in child.allPaths.map { [child.name] + $0 } }
    }

    /// The chain of commands from this one down `path`, or `nil` when a name does not exist.
    public func chain(to path: [String]) -> [CommandSpec]? {
        var chain = [self]
        for word in path {
            guard let next = chain.last?.subcommand(named: word) else { return nil }
            chain.append(next)
        }
        return chain
    }

    /// A copy of the tree where exactly the commands at `paths` (relative to this command) are
    /// marked implemented.
    public func markingImplemented(_ paths: Set<[String]>, prefix: [String] = []) -> CommandSpec {
        var copy = self
        copy.isImplemented = paths.contains(prefix)
        copy.subcommands = subcommands.map { $0.markingImplemented(paths, prefix: prefix + [$0.name]) }
        return copy
    }
}
