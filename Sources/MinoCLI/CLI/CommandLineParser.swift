import Diagnostics

/// What a command line asks for.
public enum ParseOutcome: Sendable {
    /// Run a command.
    case command(ParsedCommand)
    /// Print the help of the command at `path` (canonical names; `[]` is `mino`).
    case help(path: [String])
    /// Print the version.
    case version
}

/// A usage error: the diagnostic, and the command whose usage line goes with it.
public struct CommandLineError: Error, Sendable {
    /// What is wrong, pointing into the (redacted) command line.
    public let diagnostic: Diagnostic
    /// The command reached before the error (canonical names; `[]` is `mino`).
    public let commandPath: [String]
}

/// The hand-written command-line parser: turns argv into a `ParseOutcome` using a
/// `CommandSpec` tree.
///
/// Supported forms: `--opt value`, `--opt=value`, `-o value`, `-ovalue`, `-o=value`, packed
/// flags `-dy`, `--no-x` for inversion pairs, counters `-vvv`, accumulating repeats,
/// comma-separated lists, `--` with passthrough, global options before or after the
/// subcommand, and environment bindings read after the command line. `-h`/`--help` and
/// `-V`/`--version` work at every level and stop parsing where they appear.
///
/// The parser does no I/O: the environment is passed in, and nothing is printed.
public struct CommandLineParser: Sendable {
    /// The name of the root command's help subcommand (`mino help run`).
    public static let helpCommandName = "help"

    /// The command tree.
    public let root: CommandSpec
    /// The environment variables that option bindings read.
    public let environment: [String: String]
    /// The program name shown in messages and echoed as argv[0].
    public let programName: String

    /// Creates a parser for a command tree.
    public init(root: CommandSpec, environment: [String: String] = [:], programName: String = "mino") {
        self.root = root
        self.environment = environment
        self.programName = programName
    }

    /// Parses user arguments (without the program name).
    ///
    /// The parse runs a second time only when something must be hidden: the first pass finds
    /// the sensitive values, the second builds every origin against the redacted list.
    public func parse(_ arguments: [String]) throws(CommandLineError) -> ParseOutcome {
        let tokens = ArgumentToken.tokenize(arguments)
        let words = [programName] + arguments
        var first = ParseState(
            parser: self, tokens: tokens, positions: ArgumentPositions(list: ArgumentList(words), cuts: [:]))
        let firstResult: Result<ParseOutcome, CommandLineError>
        do {
            firstResult = .success(try first.run())
        } catch {
            firstResult = .failure(error)
        }
        var cuts = first.sensitiveCuts
        if case .failure = firstResult {
            let redaction = ArgumentRedaction(tree: root)
            cuts.merge(redaction.lexicalCuts(in: words, from: first.cursor)) { exact, _ in exact }
        }
        guard !cuts.isEmpty else { return try firstResult.get() }
        var second = ParseState(
            parser: self, tokens: tokens,
            positions: ArgumentPositions(list: ArgumentRedaction.apply(cuts, to: words), cuts: cuts))
        return try second.run()
    }
}

/// The options visible at one point of the parse: the current command's own and every
/// ancestor's global ones.
package struct OptionLookup {
    package var long: [String: (option: OptionSpec, inverted: Bool)] = [:]
    package var short: [Character: OptionSpec] = [:]
    package var all: [OptionSpec] = []

    package init(chain: [CommandSpec]) {
        var options = chain.last?.optionGroups.flatMap(\.options) ?? []
        for command in chain {
            options += command.globalOptionGroups.flatMap(\.options)
        }
        for option in options {
            all.append(option)
            long[option.longName] = (option, false)
            if option.kind == .inversion { long["no-" + option.longName] = (option, true) }
            if let letter = option.shortName { short[letter] = option }
        }
    }

    /// Every long spelling with dashes, for suggestions.
    package var longSpellings: [String] { long.keys.sorted().map { "--" + $0 } }
}

/// The mutable state of one parse.
package struct ParseState {
    package let parser: CommandLineParser
    package let tokens: [ArgumentToken]
    package let positions: ArgumentPositions

    package var chain: [CommandSpec]
    package var lookup: OptionLookup
    package var entries: [OptionKey: [ParsedValue]] = [:]
    package var positionalWords: [ArgumentToken] = []
    package var passthrough: [ParsedValue] = []
    package var hasTerminator = false
    package var commandOrigin: Origin?
    /// The argv index of the word being read; past the end once every word is read.
    package var cursor = 0
    /// Where each sensitive value read so far starts being hidden, by argv index.
    package var sensitiveCuts: [Int: Int] = [:]

    package init(parser: CommandLineParser, tokens: [ArgumentToken], positions: ArgumentPositions) {
        self.parser = parser
        self.tokens = tokens
        self.positions = positions
        self.chain = [parser.root]
        self.lookup = OptionLookup(chain: [parser.root])
    }

    /// What to do after handling a token.
    package enum Step {
        case next(Int)
        case finish(ParseOutcome)
    }

    package var current: CommandSpec { chain.last ?? parser.root }
    package var path: [String] { chain.dropFirst().map(\.name) }
    /// `mino cache clear`.
    package var commandName: String { ([parser.programName] + path).joined(separator: " ") }

    package func error(_ diagnostic: Diagnostic) -> CommandLineError {
        CommandLineError(diagnostic: diagnostic, commandPath: path)
    }

    package mutating func enter(_ command: CommandSpec, at index: Int?) {
        chain.append(command)
        lookup = OptionLookup(chain: chain)
        if let index { commandOrigin = positions.origin(index) }
    }

    package mutating func run() throws(CommandLineError) -> ParseOutcome {
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            cursor = token.index
            let step: Step
            switch token.kind {
            case .terminator:
                step = try handleTerminator(at: index)
            case .longOption:
                step = try handleLong(at: index)
            case .shortGroup:
                step = try handleShort(at: index)
            case .value:
                try handleValue(token)
                step = .next(index + 1)
            }
            switch step {
            case .next(let next): index = next
            case .finish(let outcome): return outcome
            }
        }
        cursor = positions.list.arguments.count
        return try finish()
    }

    package mutating func handleTerminator(at index: Int) throws(CommandLineError) -> Step {
        if !current.subcommands.isEmpty {
            if let name = current.defaultSubcommand, let command = current.subcommand(named: name) {
                enter(command, at: nil)
                return .next(index)
            }
            throw missingSubcommand(at: positions.origin(tokens[index].index))
        }
        hasTerminator = true
        let rest = tokens[(index + 1)...]
        if current.passthrough != nil {
            passthrough = rest.map { ParsedValue(value: $0.text, origin: positions.origin($0.index)) }
        } else {
            positionalWords += rest
        }
        return .next(tokens.count)
    }

    package mutating func handleValue(_ token: ArgumentToken) throws(CommandLineError) {
        guard !current.subcommands.isEmpty else {
            positionalWords.append(token)
            return
        }
        guard let command = current.subcommand(named: token.text) else {
            let names = current.subcommands.filter { !$0.isHidden }.flatMap { [$0.name] + $0.aliases }
            let help: String
            if let suggestion = Diagnostic.suggestion(for: token.text, in: names) {
                help = "did you mean `\(suggestion)`?"
            } else if chain.count == 1, current.subcommand(named: "run") != nil {
                // `mino claude` most likely means "run claude in the sandbox".
                let word = Diagnostic.shown(token.text)
                help = "to run `\(word)` in a sandbox, write `\(parser.programName) run -- \(word)`"
            } else {
                help = "run `\(helpCommand)` to list the subcommands"
            }
            throw error(
                .unknownCommand(token.text, parent: commandName, at: positions.origin(token.index), help: help))
        }
        enter(command, at: token.index)
    }

    /// `mino help cache`, the command that shows the current command's help.
    package var helpCommand: String {
        ([parser.programName, CommandLineParser.helpCommandName] + path).joined(separator: " ")
    }

    package func missingSubcommand(at origin: Origin) -> CommandLineError {
        error(
            .missingSubcommand(
                parent: commandName, subcommands: current.subcommands.map(\.name), helpCommand: helpCommand,
                at: origin))
    }
}
