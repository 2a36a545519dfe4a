import Diagnostics
import PolicyModel

/// The programs a wrapper script calls. Each is a name looked up in `PATH` or an absolute path;
/// all are quoted with `ShellQuoting.quote`. Tests substitute stubs.
public struct WrapperTools: Hashable, Sendable {
    /// Loads the IPv4 table.
    public var iptablesRestore: String
    /// Loads the IPv6 table.
    public var ip6tablesRestore: String
    /// Drops capabilities and switches user.
    public var capsh: String
    /// The POSIX shell `capsh` starts to exec the agent (`capsh --shell=`).
    public var shell: String
    /// The resolver configuration podman writes into the container.
    public var resolvConf: String

    /// Names tools explicitly.
    public init(
        iptablesRestore: String, ip6tablesRestore: String, capsh: String, shell: String,
        resolvConf: String = "/etc/resolv.conf"
    ) {
        self.iptablesRestore = iptablesRestore
        self.ip6tablesRestore = ip6tablesRestore
        self.capsh = capsh
        self.shell = shell
        self.resolvConf = resolvConf
    }

    /// The tools of a normal image: found in `PATH`, `/bin/sh` as the shell.
    public static let standard = WrapperTools(
        iptablesRestore: "iptables-restore", ip6tablesRestore: "ip6tables-restore", capsh: "capsh", shell: "/bin/sh")
}

/// A POSIX `sh` script that podman runs as the container's command (or `podman exec` runs).
///
/// `rendered` is the whole script; `argv` is how it is started. A line's `text` holds a newline
/// only inside a single-quoted word of a command argument that contains one.
public struct WrapperScript: RenderedArtifact, Hashable {
    /// The script, line by line.
    public let lines: [ArtifactLine]
    /// The exact script.
    public let rendered: String
    /// `capabilities` and `identity`.
    public let enforcement: [EnforcementReport]
    /// The shell that runs the script.
    public let shell: String

    /// Creates a script from its lines.
    init(lines: [ArtifactLine], enforcement: [EnforcementReport], shell: String) {
        self.lines = lines
        self.rendered = ArtifactLine.render(lines)
        self.enforcement = enforcement
        self.shell = shell
    }

    /// `[shell, "-c", rendered]`: the command podman runs.
    public var argv: [String] { [shell, "-c", rendered] }
}
