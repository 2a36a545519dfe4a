import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// How diagnostics are printed: the `--diagnostics-format` and whether to colour them.
struct DiagnosticPresentation {
    /// The renderer for standard error.
    let renderer: DiagnosticRenderer

    /// From a parsed command line.
    init(parsed: ParsedCommand, context: CommandContext) {
        self.init(format: parsed.string(.diagnosticsFormat), color: parsed.string(.color), context: context)
    }

    /// From a command line that did not parse: the two options are looked for lexically (before
    /// any `--`), so a usage error still honours `--color never` or `--diagnostics-format json`
    /// written anywhere on the line. Invalid values are ignored here; the parser reports them.
    init(scanning arguments: [String], context: CommandContext) {
        var format: String?
        var color: String?
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let word = arguments[index]
            for (name, apply) in [("--color", { color = $0 }), ("--diagnostics-format", { format = $0 })]
                as [(String, (String) -> Void)]
            {
                if word == name, index + 1 < arguments.count {
                    apply(arguments[index + 1])
                } else if word.hasPrefix(name + "=") {
                    apply(String(word.dropFirst(name.count + 1)))
                }
            }
            index += 1
        }
        self.init(format: format, color: color, context: context)
    }

    private init(format: String?, color: String?, context: CommandContext) {
        let chosenFormat = format.flatMap(DiagnosticRenderer.Format.init(rawValue:)) ?? .human
        let colour: Bool
        switch color {
        case "always":
            colour = true
        case "never":
            colour = false
        default:
            // `auto`: colour for a terminal, unless NO_COLOR is set to something (no-color.org).
            colour = context.standardErrorIsTerminal && (context.environment["NO_COLOR"] ?? "").isEmpty
        }
        renderer = DiagnosticRenderer(format: chosenFormat, colour: colour && chosenFormat == .human)
    }

    /// Whether the usage line and the `--help` pointer follow a usage error (not in JSON, which
    /// tools parse).
    var showsUsage: Bool { renderer.format != .json }
}
