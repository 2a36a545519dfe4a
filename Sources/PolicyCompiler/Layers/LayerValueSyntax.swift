import Diagnostics
import PolicyModel
import TOML

/// The value rules of layer manifests. Each check returns the reason and the fix, or `nil`
/// when the value is acceptable.
enum LayerValueSyntax {
    /// Most bytes a tool name, version or package name may have.
    static let maximumWordLength = 128

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// Whether `text` holds a C0 control character or DEL.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// A distribution package name: `[A-Za-z0-9._+-]+`, not starting with `-` (apt-get and dnf
    /// would read it as an option, e.g. `--allow-unauthenticated`).
    static func isPackageName(_ name: String) -> Bool {
        let allowed = Array("._+-".utf8)
        guard let first = name.utf8.first, first != UInt8(ascii: "-"), name.utf8.count <= maximumWordLength else {
            return false
        }
        return name.utf8.allSatisfy { isAlphanumeric($0) || allowed.contains($0) }
    }

    /// A runtime version or a tool (`22`, `lts/iron`, `@biomejs/biome`, `ruff==0.6`):
    /// `[A-Za-z0-9@][A-Za-z0-9._+@/=~-]*`. The bootstrap quotes these, but they also travel
    /// in JSON and log lines, so nothing a shell or terminal would interpret is accepted.
    static func toolProblem(_ word: String) -> (reason: String, help: String)? {
        let allowed = Array("._+@/=~-".utf8)
        let bytes = Array(word.utf8)
        guard let first = bytes.first, isAlphanumeric(first) || first == UInt8(ascii: "@"),
            bytes.count <= maximumWordLength, bytes.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) })
        else {
            return (
                "is not a valid tool name or version",
                "use letters, digits and `._+@/=~-`, starting with a letter, a digit or `@`"
            )
        }
        return nil
    }

    /// An absolute path without control characters or `.`/`..` components; `PATH` entries
    /// may not hold `:` (the separator).
    static func pathProblem(_ path: String, allowColon: Bool) -> (reason: String, help: String)? {
        let help = "write an absolute path such as `/opt/tool/bin`, without `..` or control characters"
        if !path.hasPrefix("/") { return ("is not an absolute path", help) }
        if hasControlCharacter(path) { return ("holds a control character", help) }
        if !allowColon, path.contains(":") { return ("holds `:`, which separates `PATH` entries", help) }
        if path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) {
            return ("has a `.` or `..` component", help)
        }
        return nil
    }

    /// An `[env]` name: a portable variable name that mino does not set itself.
    static func environmentNameProblem(_ name: String) -> (reason: String, help: String)? {
        if !EnvironmentName.isValid(name) {
            return (
                "is not a valid environment variable name", "use letters, digits and `_`, not starting with a digit"
            )
        }
        if name == "PATH" {
            return ("cannot be set by a layer", "add directories to `PATH` with `[env.path_prepend] dirs = [...]`")
        }
        if name.hasPrefix("MINO_") {
            return ("is reserved for mino", "choose a name that does not start with `MINO_`")
        }
        return nil
    }
}
