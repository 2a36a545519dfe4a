import Diagnostics
import PolicyModel

/// The one place where strings are validated and quoted for a Containerfile.
///
/// INVARIANT: every value the composition writes into a Containerfile passes through
/// `valueProblem` (refusing what no quoting makes safe) and then `quote` (or is a name that
/// passed `Validation`). Layer names, package names and paths are validated before they get
/// here; values are quoted whatever they hold.
enum ContainerfileQuoting {
    /// `value` as a Containerfile double-quoted word: `\`, `"` and `$` are escaped with a
    /// backslash, so buildah reads the exact value back and expands no variable. Checked with
    /// podman 4.3 (buildah 1.28): `ENV A="x \$HOME \"q\" back\\slash"` sets `A` to
    /// `x $HOME "q" back\slash`.
    static func quote(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\", "\"", "$": output += "\\" + String(scalar)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Why `value` cannot be written in a Containerfile, or `nil`: a control character (a
    /// newline would end the instruction and start a new one; other control characters are
    /// refused with it so nothing invisible reaches the image).
    static func valueProblem(_ value: String) -> String? {
        for scalar in value.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            return scalar == "\n" || scalar == "\r" ? "holds a line break" : "holds a control character"
        }
        return nil
    }

    /// A local image ID (`podman image inspect --format {{.Id}}`): 64 lowercase hex digits,
    /// with or without `sha256:`; returns the bare digits.
    static func imageID(_ identifier: String) -> String? {
        let digits = identifier.hasPrefix("sha256:") ? String(identifier.dropFirst(7)) : identifier
        let valid =
            digits.utf8.count == 64
            && digits.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        return valid ? digits : nil
    }
}
