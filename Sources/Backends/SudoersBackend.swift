import Diagnostics
import PolicyModel

/// A file for `/etc/sudoers.d/`.
public struct SudoersFragment: RenderedArtifact, Hashable {
    /// The file name: `mino_<user>` with dots swapped for underscores, because sudo ignores
    /// files in `sudoers.d` whose names contain a dot.
    public let fileName: String
    /// `/etc/sudoers.d/<fileName>`.
    public let path: String
    /// The file content (the same bytes as `rendered`).
    public var content: String { rendered }
    /// The lines of the file.
    public let lines: [ArtifactLine]
    /// The exact file content.
    public let rendered: String
    /// `helper.sudo`.
    public let enforcement: [EnforcementReport]

    init(fileName: String, lines: [ArtifactLine], enforcement: [EnforcementReport]) {
        self.fileName = fileName
        self.path = SudoersBackend.directory + "/" + fileName
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
    }
}

/// Compiles the sudoers rule that lets the invoking user run the macOS native helper as root
/// without a password: exactly `facts.helperPath`, nothing else. The helper validates every
/// request it gets (see `HelperRequestBackend`), because this rule accepts any arguments.
public enum SudoersBackend {
    /// Where sudoers fragments live.
    public static let directory = "/etc/sudoers.d"

    /// Words sudoers reads as keywords at the start of a line.
    static let keywords: Set<String> = [
        "Defaults", "Host_Alias", "User_Alias", "Runas_Alias", "Cmnd_Alias", "Cmd_Alias",
    ]

    /// The fragment for `facts.userName` and `facts.helperPath`.
    ///
    /// - Throws: `DiagnosticError` (`backend.invalid-user-name` for names outside
    ///   `[A-Za-z0-9._-]`, starting with `-`, all digits, or read by sudoers as an alias or
    ///   keyword such as `ALL`; `backend.invalid-helper-path`).
    public static func fragment(facts: HostFacts) throws(DiagnosticError) -> SudoersFragment {
        let user = facts.userName
        var collector = DiagnosticCollector()
        if let problem = Validation.userName(user, role: "user name", origin: nil) {
            collector.add(problem)
        } else if isAliasName(user) || keywords.contains(user) {
            collector.add(
                .backendInvalidUserName(user, role: "user name", reason: "reads as a sudoers keyword or alias", at: nil)
            )
        }
        if !isSafeHelperPath(facts.helperPath) { collector.add(.backendInvalidHelperPath(facts.helperPath)) }
        try collector.throwIfAny()

        let lines = [
            ArtifactLine(
                "# mino: lets \(user) run the native sandbox helper as root without a password, and nothing else"),
            ArtifactLine("\(user) ALL=(root) NOPASSWD: \(facts.helperPath)"),
        ]
        return SudoersFragment(
            fileName: fileName(forUser: user), lines: lines,
            enforcement: [
                EnforcementReport(
                    "helper.sudo", .kernel, "sudo runs only \(facts.helperPath) as root for \(user), without a password"
                )
            ])
    }

    /// `mino_<user>` with every `.` replaced by `_` (sudo skips names with a dot).
    public static func fileName(forUser user: String) -> String {
        "mino_" + String(user.map { $0 == "." ? "_" : $0 })
    }

    /// An all-uppercase name (`ALL`, `ADMINS`) is a sudoers alias, not a user.
    private static func isAliasName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return false }
        return name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "_")
        }
    }

    /// An absolute path of letters, digits, `/`, `.`, `_` and `-`, without `.`/`..` components:
    /// nothing sudoers would read as syntax.
    private static func isSafeHelperPath(_ path: String) -> Bool {
        let allowed = Array("/._-".utf8)
        let safeBytes = path.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || allowed.contains($0)
        }
        return safeBytes && Validation.absolutePath(path, role: "helper", origin: nil) == nil
            && !Validation.components(of: path).isEmpty
    }
}
