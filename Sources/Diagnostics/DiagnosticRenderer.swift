/// Turns diagnostics into text for people (`human`), editors and CI logs (`plain`, one line
/// each) or tools (`json`).
public struct DiagnosticRenderer: Sendable {
    /// The output form, chosen with `--diagnostics-format`.
    public enum Format: String, CaseIterable, Sendable {
        /// Header, `--> path:line:col`, two lines of context with carets, notes and help.
        case human
        /// `path:line:col: severity[code]: message (help: …)`, one line per diagnostic.
        case plain
        /// A JSON array of objects with sorted keys.
        case json
    }

    /// The output form.
    public var format: Format
    /// Whether to use ANSI colours (only ever true for a terminal without `NO_COLOR`).
    public var colour: Bool

    /// Creates a renderer.
    public init(format: Format = .human, colour: Bool = false) {
        self.format = format
        self.colour = colour
    }

    /// Renders a list of diagnostics; the text ends with a newline unless the list is empty
    /// (JSON always renders, `[]` for none).
    public func render(_ diagnostics: [Diagnostic]) -> String {
        switch format {
        case .json:
            return JSONValue.array(diagnostics.map(\.jsonValue)).rendered(pretty: true) + "\n"
        case .plain:
            return diagnostics.map { plainLine($0) + "\n" }.joined()
        case .human:
            return diagnostics.map { human($0) }.joined(separator: "\n")
        }
    }

    /// Renders one diagnostic.
    public func render(_ diagnostic: Diagnostic) -> String {
        render([diagnostic])
    }

    // MARK: - plain

    private func plainLine(_ diagnostic: Diagnostic) -> String {
        var line = ""
        if let prefix = diagnostic.origin.flatMap(DiagnosticRenderer.plainPrefix) {
            line += prefix + ": "
        }
        line += "\(diagnostic.severity.rawValue)[\(diagnostic.code)]: \(diagnostic.message)"
        if let help = diagnostic.help {
            line += " (help: \(help))"
        }
        return line
    }

    private static func plainPrefix(_ origin: Origin) -> String? {
        switch origin {
        case .file(let location):
            return "\(location.file.path):\(location.start)"
        case .preset(let name, let location):
            return location.map { "\($0.file.path):\($0.start)" } ?? "preset \(name)"
        case .argument(let position):
            return "argv[\(position.index)]"
        case .environment(let variable):
            return "$\(variable)"
        case .prompt:
            return origin.summary
        case .builtin:
            return nil
        }
    }

    // MARK: - human

    private enum Style {
        case error, warning, note, gutter, bold, help
    }

    private func paint(_ text: String, _ style: Style) -> String {
        guard colour, !text.isEmpty else { return text }
        let code: String
        switch style {
        case .error: code = "1;31"
        case .warning: code = "1;33"
        case .note: code = "1;36"
        case .gutter: code = "1;34"
        case .bold: code = "1"
        case .help: code = "1;36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    private func severityStyle(_ severity: Diagnostic.Severity) -> Style {
        switch severity {
        case .error: return .error
        case .warning: return .warning
        case .note: return .note
        }
    }

    private func human(_ diagnostic: Diagnostic) -> String {
        let style = severityStyle(diagnostic.severity)
        var out = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code)]", style)
        out += paint(": \(diagnostic.message)", .bold) + "\n"
        var gutterWidth = 1
        if let origin = diagnostic.origin {
            let snippet = self.snippet(for: origin, style: style)
            gutterWidth = snippet.gutterWidth
            out += snippet.text
        }
        let pad = String(repeating: " ", count: gutterWidth + 1)
        for label in diagnostic.labels {
            out += pad + paint("=", .gutter) + " " + paint("note", .bold) + ": "
            out += DiagnosticRenderer.locationText(label.origin) + ": " + label.message + "\n"
        }
        if let help = diagnostic.help {
            out += pad + paint("=", .gutter) + " " + paint("help", .help) + ": " + help + "\n"
        }
        return out
    }

    /// `path:line:col`, `preset dev`, `argument 3`, …, for labels and arrows.
    private static func locationText(_ origin: Origin) -> String {
        switch origin {
        case .file(let location):
            return "\(location.file.path):\(location.start)"
        case .preset(let name, let location):
            return location.map { "\($0.file.path):\($0.start)" } ?? "preset \(name)"
        case .argument(let position):
            return "argument \(position.index) `\(position.token)`"
        case .environment(let variable):
            return "environment variable \(variable)"
        case .prompt:
            return origin.summary
        case .builtin:
            return "built-in default"
        }
    }

    private func snippet(for origin: Origin, style: Style) -> (text: String, gutterWidth: Int) {
        switch origin {
        case .file(let location):
            return fileSnippet(location, style: style)
        case .preset(_, let location?):
            return fileSnippet(location, style: style)
        case .argument(let position):
            return argumentSnippet(position, style: style)
        case .preset, .environment, .prompt, .builtin:
            return (" " + paint("-->", .gutter) + " " + DiagnosticRenderer.locationText(origin) + "\n", 1)
        }
    }

    private func fileSnippet(_ location: FileSpan, style: Style) -> (text: String, gutterWidth: Int) {
        let file = location.file
        let start = location.start
        let firstLine = max(1, start.line - 1)
        let width = String(start.line).count
        let blank = String(repeating: " ", count: width + 1) + paint("|", .gutter)
        var out = String(repeating: " ", count: width) + paint("-->", .gutter) + " \(file.path):\(start)\n"
        out += blank + "\n"
        for line in firstLine...start.line {
            var bytes = file.lineBytes(line)
            let number = String(line)
            let gutter = String(repeating: " ", count: width - number.count) + number + " "
            let lineStart = file.offset(ofLine: line)
            var caretFrom = line == start.line ? location.span.start - lineStart : nil
            var caretTo: Int?
            if let from = caretFrom {
                let end = min(location.span.end, lineStart + bytes.count) - lineStart
                caretTo = max(end, from + 1)
            }
            // INVARIANT: a secret-looking value on a context line is never shown.
            if let masked = SecretMasking.maskedRange(in: bytes) {
                var replaced = Array(bytes)
                replaced.replaceSubrange(masked, with: SecretMasking.replacement)
                bytes = replaced[...]
                let delta = SecretMasking.replacement.count - masked.count
                if let from = caretFrom, let to = caretTo {
                    if from >= masked.upperBound {
                        (caretFrom, caretTo) = (from + delta, to + delta)
                    } else if to > masked.lowerBound {
                        caretTo = max(from + 1, min(to, masked.lowerBound + SecretMasking.replacement.count))
                    }
                }
            }
            let display = DisplayLine(bytes: bytes, caretFrom: caretFrom, caretTo: caretTo)
            out += paint(gutter + "|", .gutter) + (display.text.isEmpty ? "" : " " + display.text) + "\n"
            if let column = display.caretColumn {
                out += blank + " " + String(repeating: " ", count: column)
                out += paint(String(repeating: "^", count: display.caretWidth), style) + "\n"
            }
        }
        return (out, width)
    }

    private func argumentSnippet(_ position: ArgumentPosition, style: Style) -> (text: String, gutterWidth: Int) {
        var line = ""
        var caretColumn = 0
        var caretWidth = 1
        let arguments = position.list.arguments
        for (index, argument) in arguments.enumerated() {
            if index > 0 { line += " " }
            let shown = ShellQuoting.displayQuote(argument)
            if index == position.index {
                caretColumn = line.unicodeScalars.count
                caretWidth = max(1, shown.unicodeScalars.count)
                if let range = position.range, shown == argument || shown == "'\(argument)'" {
                    let offset = shown == argument ? 0 : 1
                    let prefix = String(decoding: Array(argument.utf8)[..<range.lowerBound], as: UTF8.self)
                    let part = String(decoding: Array(argument.utf8)[range], as: UTF8.self)
                    caretColumn += offset + prefix.unicodeScalars.count
                    caretWidth = max(1, part.unicodeScalars.count)
                }
            }
            line += shown
        }
        if position.index >= arguments.count {
            caretColumn = line.unicodeScalars.count + 1
            caretWidth = 1
        }
        let bar = "  " + paint("|", .gutter)
        var out = bar + "\n" + bar + " " + line + "\n"
        out +=
            bar + " " + String(repeating: " ", count: caretColumn)
            + paint(String(repeating: "^", count: caretWidth), style)
        out += "\n"
        return (out, 1)
    }
}

/// One source line prepared for display: tabs expanded, control characters and invalid UTF-8
/// replaced, and the caret range translated from bytes to display columns.
private struct DisplayLine {
    var text = ""
    var caretColumn: Int?
    var caretWidth = 1

    init(bytes: ArraySlice<UInt8>, caretFrom: Int?, caretTo: Int?) {
        var column = 0
        var index = bytes.startIndex
        var startColumn: Int?
        var endColumn: Int?
        func mark(_ byteOffset: Int) {
            if let from = caretFrom, startColumn == nil, byteOffset >= from { startColumn = column }
            if let to = caretTo, endColumn == nil, byteOffset >= to { endColumn = column }
        }
        while index < bytes.endIndex {
            mark(index - bytes.startIndex)
            let byte = bytes[index]
            if byte == UInt8(ascii: "\t") {
                text += "    "
                column += 4
                index += 1
                continue
            }
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7F {
                    text += "\u{FFFD}"
                } else {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                }
                column += 1
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : (byte >= 0xC0 ? 2 : 1))
            let end = index + length
            if length > 1, end <= bytes.endIndex,
                let scalar = String(validating: bytes[index..<end], as: UTF8.self)?.unicodeScalars.first
            {
                text.unicodeScalars.append(scalar)
                index = end
            } else {
                text += "\u{FFFD}"
                index += 1
            }
            column += 1
        }
        mark(bytes.count)
        if caretFrom != nil {
            let start = startColumn ?? column
            caretColumn = start
            caretWidth = max(1, (endColumn ?? column) - start)
        }
    }
}

extension Diagnostic {
    /// The JSON form used by `--diagnostics-format json`.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "code": .string(code.rawValue),
            "severity": .string(severity.rawValue),
            "message": .string(message),
        ]
        if let help { object["help"] = .string(help) }
        if let origin { object["location"] = origin.jsonValue }
        if !labels.isEmpty {
            object["labels"] = .array(
                labels.map { .object(["message": .string($0.message), "location": $0.origin.jsonValue]) })
        }
        return .object(object)
    }
}

extension Origin {
    /// The JSON form of an origin: `kind` plus the fields that locate it.
    public var jsonValue: JSONValue {
        switch self {
        case .builtin:
            return .object(["kind": .string("builtin")])
        case .preset(let name, let location):
            var object: [String: JSONValue] = ["kind": .string("preset"), "preset": .string(name)]
            if let location { object.merge(location.jsonFields) { $1 } }
            return .object(object)
        case .file(let location):
            var object = location.jsonFields
            object["kind"] = .string("file")
            return .object(object)
        case .argument(let position):
            return .object([
                "kind": .string("argument"), "index": .integer(Int64(position.index)),
                "token": .string(position.token),
            ])
        case .environment(let variable):
            return .object(["kind": .string("environment"), "variable": .string(variable)])
        case .prompt(let question):
            return .object(["kind": .string("prompt"), "question": .string(question)])
        }
    }
}

extension FileSpan {
    fileprivate var jsonFields: [String: JSONValue] {
        let start = self.start
        let end = self.end
        return [
            "path": .string(file.path),
            "line": .integer(Int64(start.line)), "column": .integer(Int64(start.column)),
            "endLine": .integer(Int64(end.line)), "endColumn": .integer(Int64(end.column)),
        ]
    }
}
