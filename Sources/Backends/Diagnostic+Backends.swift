import Diagnostics
import PolicyModel

/// The message catalogue of the backends. Codes are `backend.*`; messages show user input in
/// backticks with control characters escaped, so a hostile name never breaks the one-line rule,
/// and never show an environment value.
extension Diagnostic {
    static func backendUnresolvedHost(_ host: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.unresolved-host", "allowed host `\(shown(host))` resolved to no address", at: origin,
            help: "check the name, or remove it from the allowlist; an unresolved name would leave the fence incomplete"
        )
    }

    static func backendInvalidAddress(_ address: String, role: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-address", "\(role) `\(shown(address))` is not an IPv4 or IPv6 address", at: origin,
            help: "addresses must be literals such as `192.0.2.1` or `2001:db8::1`")
    }

    static func backendInvalidHostName(_ host: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-host-name", "`\(shown(host))` is not a valid host name", at: origin,
            help: "host names use letters, digits, `-`, `_` and dots, up to 253 characters")
    }

    static func backendInvalidUserName(_ name: String, role: String, reason: String, at origin: Origin?)
        -> Diagnostic
    {
        .error(
            "backend.invalid-user-name", "\(role) `\(shown(name))` \(reason)", at: origin,
            help: "user names use letters, digits, `.`, `_` and `-`, do not start with `-` and are not all digits")
    }

    static func backendInvalidSessionName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-session-name", "session name `\(shown(name))` is not allowed", at: origin,
            help: "session names use letters, digits, `_` and `-` (at most 64) and do not start with `-`")
    }

    static func backendInvalidContainerID(_ identifier: String) -> Diagnostic {
        .error(
            "backend.invalid-container-id", "container id `\(shown(identifier))` is not a podman id or name",
            help: "pass the id podman printed when it created the container")
    }

    static func backendInvalidVolumeName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-volume-name", "volume name `\(shown(name))` is not allowed", at: origin,
            help: "volume names start with a letter or digit and use letters, digits, `_`, `.` and `-`")
    }

    static func backendInvalidPath(_ path: String, role: String, reason: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-path", "\(role) `\(shown(path))` \(reason)", at: origin,
            help: "use an absolute path without `:`, `,`, control characters or `..` components")
    }

    static func backendSensitivePath(_ path: String, sensitive: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.sensitive-path", "`\(shown(path))` would expose `\(shown(sensitive))` to the sandbox",
            at: origin, help: "name a narrower directory that holds no credentials")
    }

    static func backendInvalidImage(_ image: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-image", "image `\(shown(image))` is not a valid image reference", at: origin,
            help: "image references use letters, digits and `._-/:@`, and do not start with `-`")
    }

    static func backendInvalidArgument(_ argument: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-argument", "command argument `\(shown(argument))` contains a NUL byte", at: origin,
            help: "a process argument cannot hold a NUL byte; remove it")
    }

    static func backendEmptyCommand(at origin: Origin?) -> Diagnostic {
        .error(
            "backend.empty-command", "the command is empty", at: origin,
            help: "name a program to run, or leave the command unset to open the shell")
    }

    static func backendInvalidEnvironmentName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-environment-name", "`\(shown(name))` is not a valid environment variable name",
            at: origin, help: "names match `[A-Za-z_][A-Za-z0-9_]*`")
    }

    /// The value is never shown: it may be a secret.
    static func backendInvalidEnvironmentValue(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-environment-value", "the value of `\(shown(name))` contains a NUL byte", at: origin,
            help: "an environment value cannot hold a NUL byte; remove it")
    }

    static func backendReservedEnvironmentName(_ name: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.reserved-environment-name",
            "`\(shown(name))` cannot be passed to the container: podman itself reads it", at: origin,
            help: "values travel in podman's own environment, so setting `\(shown(name))` would change how podman "
                + "runs; set it in the image or a layer instead")
    }

    static func backendInvalidLimit(_ name: String, value: Int64, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.invalid-limit", "`\(name)` is \(value), which cannot be enforced", at: origin,
            help: "use a positive number")
    }

    static func backendDuplicateMountTarget(_ target: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.duplicate-mount-target", "two mounts share the target `\(shown(target))`", at: origin,
            help: "give each mount its own path inside the sandbox")
    }

    static func backendUnsafeMountOption(_ option: String, target: String, at origin: Origin?) -> Diagnostic {
        .error(
            "backend.unsafe-mount-option", "mount option `\(shown(option))` on `\(shown(target))` is not allowed",
            at: origin, help: "mounts are always `nosuid,nodev`; allowed options: ro, rw, noexec, z, Z")
    }

    static func backendMissingProxyPort(at origin: Origin?) -> Diagnostic {
        .error(
            "backend.missing-proxy-port", "the native allowlist needs mino's proxy port", at: origin,
            help: "start the filtering proxy before compiling the pf anchor")
    }

    static func backendInvalidHelperPath(_ path: String) -> Diagnostic {
        .error(
            "backend.invalid-helper-path", "helper path `\(shown(path))` cannot be written in a sudoers rule",
            help: "install the helper at an absolute path made of letters, digits, `/`, `.`, `_` and `-`")
    }
}

/// Gathers every error of one backend call, so the user sees all of them at once.
struct DiagnosticCollector {
    private(set) var errors: [Diagnostic] = []

    /// Records `diagnostic` when it is not `nil`.
    mutating func add(_ diagnostic: Diagnostic?) {
        if let diagnostic { errors.append(diagnostic) }
    }

    /// Records every diagnostic of `diagnostics`.
    mutating func add(contentsOf diagnostics: [Diagnostic]) {
        errors += diagnostics
    }

    /// Runs `body`, recording the diagnostics of the `DiagnosticError` it throws (backends
    /// throw nothing else).
    mutating func collect<T>(_ body: () throws(DiagnosticError) -> T) -> T? {
        do {
            return try body()
        } catch {
            errors += error.diagnostics
            return nil
        }
    }

    /// Throws a `DiagnosticError` holding every recorded error, if there is any.
    func throwIfAny() throws(DiagnosticError) {
        if !errors.isEmpty { throw DiagnosticError(errors) }
    }
}
