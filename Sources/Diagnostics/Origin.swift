import Foundation

/// A span inside a particular source file.
public struct FileSpan: Hashable, Sendable {
    /// The file the span points into.
    public let file: SourceFile
    /// The byte range inside `file`.
    public let span: SourceSpan

    /// Creates a located span.
    public init(file: SourceFile, span: SourceSpan) {
        self.file = file
        self.span = span
    }

    /// The line and column where the span starts.
    public var start: SourceLocation { file.location(of: span.start) }
    /// The line and column where the span ends (exclusive).
    public var end: SourceLocation { file.location(of: span.end) }
}

/// The command line a program was started with, kept whole so that a diagnostic can echo it
/// and underline one token.
public final class ArgumentList: Sendable, Hashable {
    /// Every token, `arguments[0]` being the program name as shown (`mino`).
    public let arguments: [String]

    /// Creates an argument list; the first element is the program name.
    public init(_ arguments: [String]) {
        self.arguments = arguments
    }

    public static func == (lhs: ArgumentList, rhs: ArgumentList) -> Bool {
        lhs === rhs || lhs.arguments == rhs.arguments
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(arguments)
    }
}

/// One token on the command line, or a part of it (the value in `--name=value`, one letter in
/// a packed `-abc`).
public struct ArgumentPosition: Hashable, Sendable {
    /// The whole command line.
    public let list: ArgumentList
    /// The index of the token in `list.arguments` (0 is the program name).
    public let index: Int
    /// The UTF-8 byte range inside the token to underline; `nil` underlines the whole token.
    public let range: Range<Int>?

    /// Creates a position for a token or a byte range inside it.
    public init(list: ArgumentList, index: Int, range: Range<Int>? = nil) {
        self.list = list
        self.index = index
        self.range = range
    }

    /// The token text, or an empty string when the index is past the end (a missing value).
    public var token: String {
        index < list.arguments.count ? list.arguments[index] : ""
    }
}

/// Where a setting, a rule or a diagnostic came from.
///
/// Every element of the IR carries one so that `mino plan` and `mino policy explain` can say
/// why it exists. INVARIANT: equality of IR values ignores origins; `Origin` itself compares
/// by value.
public enum Origin: Hashable, Sendable {
    /// A built-in default of mino.
    case builtin
    /// A built-in network or policy preset, optionally with the span inside its TOML text.
    case preset(name: String, location: FileSpan?)
    /// A span inside a user-supplied file (global config, `.mino.toml`, a layer manifest).
    case file(FileSpan)
    /// A command-line token.
    case argument(ArgumentPosition)
    /// An environment variable such as `MINO_CONFIG`.
    case environment(variable: String)
    /// An answer the user gave at an interactive prompt (e.g. the first-run network question).
    case prompt(question: String)

    /// A short human description: `config.toml:3:7`, `preset dev`, `--network-allow`,
    /// `$MINO_CONFIG`, `built-in default`. Used in provenance comments.
    public var summary: String {
        switch self {
        case .builtin:
            return "built-in default"
        case .preset(let name, _):
            return "preset \(name)"
        case .file(let location):
            return "\(location.file.path):\(location.start)"
        case .argument(let position):
            let token = position.token
            if let equals = token.firstIndex(of: "="), token.hasPrefix("--") {
                return String(token[..<equals])
            }
            return token
        case .environment(let variable):
            return "$\(variable)"
        case .prompt(let question):
            return "answered at the prompt \"\(question)\""
        }
    }

    /// The file span this origin points into, if any.
    public var fileSpan: FileSpan? {
        switch self {
        case .file(let location): return location
        case .preset(_, let location): return location
        default: return nil
        }
    }
}
