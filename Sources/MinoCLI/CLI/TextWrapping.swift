import Diagnostics

/// Greedy word wrapping for help text.

package enum TextWrapping {
    /// Wraps `text` into lines of at most `width` characters. The first line starts with
    /// `firstPrefix` (already counted in the width), later lines with `indent` spaces. A word
    /// longer than the room is put on a line of its own, unbroken.
    package static func wrap(_ text: String, width: Int, firstPrefix: String = "", indent: Int = 0) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        let continuation = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = firstPrefix
        var lineHasWord = false
        for word in words {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = continuation
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.map { $0.trailingSpacesRemoved }
    }

    /// Wraps a block of text line by line: blank lines are kept, a line that fits is kept as
    /// written (so tables keep their spacing), and a line that starts with spaces keeps that
    /// indentation on its continuation lines.
    package static func wrapBlock(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            let indent = line.prefix { $0 == " " }.count
            guard indent < line.count else { return [""] }
            if line.count <= width { return [String(line).trailingSpacesRemoved] }
            return wrap(
                String(line.dropFirst(indent) as Substring), width: width,
                firstPrefix: String(repeating: " ", count: indent),
                indent: indent)
        }
    }
}

extension String {
    /// The string without trailing spaces.
    package var trailingSpacesRemoved: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
