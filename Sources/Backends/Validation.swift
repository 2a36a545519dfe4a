import Diagnostics
import PolicyModel

/// The checks every backend applies before a string reaches an argv, a shell script, a
/// ruleset, a sudoers file or a JSON request. Each returns the diagnostic to report, or `nil`.
///
/// Validation refuses what quoting cannot make safe: names that could be read as options
/// (leading `-`), separators of the target syntax (`:` and `,` in a `-v` spec), and control
/// characters anywhere.
enum Validation {
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Whether `text` is non-empty, starts with a letter or digit and holds only letters,
    /// digits and `extra`.
    private static func isName(_ text: String, extra: String, maximumLength: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isAlphanumeric(first), bytes.count <= maximumLength else { return false }
        let allowed = Array(extra.utf8)  // a few bytes: a linear search beats hashing
        return bytes.allSatisfy { isAlphanumeric($0) || allowed.contains($0) }
    }

    /// Whether `text` holds a control character (C0, DEL) or a NUL.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// A session name (`SessionName`, the rule the compiler checks too).
    static func sessionName(_ name: String, origin: Origin?) -> Diagnostic? {
        SessionName.isValid(name) ? nil : .backendInvalidSessionName(name, at: origin)
    }

    /// A podman volume name.
    static func volumeName(_ name: String, origin: Origin?) -> Diagnostic? {
        isName(name, extra: "_.-", maximumLength: 255) ? nil : .backendInvalidVolumeName(name, at: origin)
    }

    /// A podman container id or name.
    static func containerID(_ identifier: String) -> Diagnostic? {
        isName(identifier, extra: "_.-", maximumLength: 255) ? nil : .backendInvalidContainerID(identifier)
    }

    /// An image reference: `[A-Za-z0-9][A-Za-z0-9._/:@-]*`.
    static func image(_ image: String, origin: Origin?) -> Diagnostic? {
        isName(image, extra: "._/:@-", maximumLength: 512) ? nil : .backendInvalidImage(image, at: origin)
    }

    /// An environment variable name (`EnvironmentName`).
    static func environmentName(_ name: String, origin: Origin?) -> Diagnostic? {
        EnvironmentName.isValid(name) ? nil : .backendInvalidEnvironmentName(name, at: origin)
    }

    /// A DNS name: dot-separated labels of letters, digits, `-` and `_`, none empty or
    /// starting with `-`, at most 253 bytes.
    static func hostName(_ host: String, origin: Origin?) -> Diagnostic? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            !host.isEmpty && host.utf8.count <= 253
            && labels.allSatisfy { label in
                guard let first = label.utf8.first, first != UInt8(ascii: "-"), label.utf8.count <= 63 else {
                    return false
                }
                return label.utf8.allSatisfy {
                    isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                }
            }
        return valid ? nil : .backendInvalidHostName(host, at: origin)
    }

    /// The domain of a `*.domain` rule: a DNS name as `hostName` accepts it, of at least two
    /// labels (a wildcard never opens a whole top-level domain). Reported as `*.domain`.
    static func wildcardDomain(_ domain: String, origin: Origin?) -> Diagnostic? {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, hostName(domain, origin: origin) == nil else {
            return .backendInvalidHostName("*." + domain, at: origin)
        }
        return nil
    }

    /// A login name: letters, digits, `.`, `_` and `-`, 1–64 bytes, not starting with `-`, not
    /// all digits (which pf and sudo would read as a uid), not `.` or `..`.
    static func userName(_ name: String, role: String, origin: Origin?) -> Diagnostic? {
        let bytes = Array(name.utf8)
        let allowed = Array("._-".utf8)
        guard !bytes.isEmpty, bytes.count <= 64, bytes.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) })
        else {
            return .backendInvalidUserName(
                name, role: role, reason: "contains characters outside `[A-Za-z0-9._-]`", at: origin)
        }
        if bytes[0] == UInt8(ascii: "-") {
            return .backendInvalidUserName(name, role: role, reason: "starts with `-`", at: origin)
        }
        if bytes.allSatisfy(isDigit) {
            return .backendInvalidUserName(name, role: role, reason: "is all digits, which reads as a uid", at: origin)
        }
        if name == "." || name == ".." {
            return .backendInvalidUserName(name, role: role, reason: "is not a user name", at: origin)
        }
        return nil
    }

    /// An absolute path with no control characters and no `.`/`..` components; `forbidden`
    /// lists further characters the target syntax cannot carry (`:` and `,` in a `-v` spec).
    static func absolutePath(_ path: String, role: String, origin: Origin?, forbidden: String = "") -> Diagnostic? {
        if !path.hasPrefix("/") {
            return .backendInvalidPath(path, role: role, reason: "is not absolute", at: origin)
        }
        if hasControlCharacter(path) {
            return .backendInvalidPath(path, role: role, reason: "contains a control character", at: origin)
        }
        if let character = path.unicodeScalars.first(where: { forbidden.unicodeScalars.contains($0) }) {
            return .backendInvalidPath(path, role: role, reason: "contains `\(character)`", at: origin)
        }
        if components(of: path).contains(where: { $0 == "." || $0 == ".." }) {
            return .backendInvalidPath(path, role: role, reason: "contains a `.` or `..` component", at: origin)
        }
        return nil
    }

    /// The components of a path, ignoring empty ones (`//`, a trailing `/`).
    static func components(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Every argument of a command: no NUL bytes (they cannot travel in an argv).
    static func commandArguments(_ arguments: [String], origin: Origin?) -> [Diagnostic] {
        if arguments.isEmpty { return [.backendEmptyCommand(at: origin)] }
        return arguments.filter { $0.utf8.contains(0) }.map { .backendInvalidArgument($0, at: origin) }
    }
}

extension Validation {
    /// The dedicated user a native sandbox runs as: a valid user name, never `root`, never the
    /// invoking user (that would be no sandbox at all), never pf's `unknown` keyword.
    static func sandboxUser(_ user: Sourced<String>, facts: HostFacts) -> Diagnostic? {
        let role = "sandbox user"
        if let problem = userName(user.value, role: role, origin: user.origin) { return problem }
        switch user.value {
        case "root":
            return .backendInvalidUserName(user.value, role: role, reason: "is root", at: user.origin)
        case "unknown":
            return .backendInvalidUserName(user.value, role: role, reason: "is a pf keyword", at: user.origin)
        case facts.userName:
            return .backendInvalidUserName(
                user.value, role: role, reason: "is the invoking user, so nothing would be sandboxed", at: user.origin)
        default:
            return nil
        }
    }
}

extension Validation {
    /// A layer name (`LayerName`).
    static func layerName(_ name: String, origin: Origin?) -> Diagnostic? {
        LayerName.isValid(name) ? nil : .backendInvalidLayerName(name, at: origin)
    }

    /// A distribution package name: `[A-Za-z0-9._+-]+`, not starting with `-`.
    static func packageName(_ name: String, origin: Origin?) -> Diagnostic? {
        let bytes = Array(name.utf8)
        let allowed = Array("._+-".utf8)
        guard let first = bytes.first, first != UInt8(ascii: "-"), bytes.count <= 128,
            bytes.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) })
        else { return .backendInvalidPackageName(name, at: origin) }
        return nil
    }
}
