import Diagnostics
import PolicyModel

/// mino's seccomp profile: podman's default profile (its rules, generated from
/// containers-common's `seccomp.json` into `SeccompDefaults`) with mino's denials.
///
/// Design: podman's default stays the base, so everything it refuses stays refused (its default
/// action is `ENOSYS`; an allow-all base plus denials would be weaker). The syscalls mino
/// controls are first removed from every podman rule, then mino's rules for them are appended:
///
/// - `keyctl`, `add_key`, `request_key`, `bpf`, `userfaultfd`, `perf_event_open`: `EPERM`
///   always (the kernel keyring and these interfaces are attack surface an agent never needs);
/// - `clone` and `unshare` are allowed only when their flags lack `CLONE_NEWUSER` (a masked
///   compare on the flags argument: argument 0, or 1 for `clone` on s390), and fail with
///   `EPERM` when they have it: no user namespace, so no namespace root;
/// - `clone3` passes its flags in memory, which seccomp cannot read, so it fails with `ENOSYS`
///   and libc falls back to `clone`, whose flags are filtered.
///
/// The profile does not depend on the policy: every container session gets the same bytes.
public enum SeccompBackend {
    /// `CLONE_NEWUSER` (linux/sched.h).
    public static let cloneNewUser: Int64 = 0x1000_0000
    /// Syscalls whose every podman rule is replaced by mino's.
    static let controlled: Set<String> = [
        "add_key", "bpf", "clone", "clone3", "keyctl", "perf_event_open", "request_key", "unshare", "userfaultfd",
    ]
    /// The syscalls refused outright.
    public static let alwaysDenied = ["keyctl", "add_key", "request_key", "bpf", "userfaultfd", "perf_event_open"]

    /// The profile every container session gets (built once: it depends on nothing).
    public static func profile() -> SeccompProfile { standard }

    /// Where the executor writes the profile and podman reads it: one file per content in the
    /// runtime directory (`seccomp/<sha256 prefix>.json`), shared by every session, so no
    /// session removes another's and an upgraded profile never overwrites one in use.
    public static func profilePath(runtimeDirectory: String) -> String {
        runtimeDirectory + "/seccomp/" + String(standard.sha256.prefix(16)) + ".json"
    }

    private static let standard = make()

    private static func make() -> SeccompProfile {
        var rules = [SeccompRule]()
        for var rule in SeccompDefaults.rules {
            rule.names.removeAll { controlled.contains($0) }
            if !rule.names.isEmpty { rules.append(rule) }
        }
        let s390 = ["s390", "s390x"]
        let withoutUserNamespace = { (index: Int64) in
            [SeccompArgument(index: index, value: cloneNewUser, valueTwo: 0, op: .maskedEqual)]
        }
        let withUserNamespace = { (index: Int64) in
            [SeccompArgument(index: index, value: cloneNewUser, valueTwo: cloneNewUser, op: .maskedEqual)]
        }
        let userNamespaces = "mino: no user namespaces (CLONE_NEWUSER)"
        rules += [
            SeccompRule(
                names: alwaysDenied, action: .errno(.permission),
                comment: "mino: keyring, eBPF, userfaultfd and perf events are refused"),
            SeccompRule(
                names: ["clone3"], action: .errno(.notImplemented),
                comment: "mino: clone3 flags cannot be filtered; ENOSYS makes libc fall back to clone"),
            SeccompRule(
                names: ["clone"], action: .allow, arguments: withoutUserNamespace(0),
                excludes: SeccompCondition(arches: s390), comment: userNamespaces),
            SeccompRule(
                names: ["clone"], action: .allow, arguments: withoutUserNamespace(1),
                includes: SeccompCondition(arches: s390), comment: userNamespaces),
            SeccompRule(
                names: ["clone"], action: .errno(.permission), arguments: withUserNamespace(0),
                excludes: SeccompCondition(arches: s390), comment: userNamespaces),
            SeccompRule(
                names: ["clone"], action: .errno(.permission), arguments: withUserNamespace(1),
                includes: SeccompCondition(arches: s390), comment: userNamespaces),
            SeccompRule(
                names: ["unshare"], action: .allow, arguments: withoutUserNamespace(0), comment: userNamespaces),
            SeccompRule(
                names: ["unshare"], action: .errno(.permission), arguments: withUserNamespace(0),
                comment: userNamespaces),
        ]
        let denials = [
            SeccompDenial(
                names: ["clone", "unshare"], errno: .permission, condition: "with CLONE_NEWUSER",
                reason: "no user namespaces"),
            SeccompDenial(
                names: ["clone3"], errno: .notImplemented, condition: "",
                reason: "its flags cannot be filtered; libc falls back to clone"),
            SeccompDenial(
                names: alwaysDenied, errno: .permission, condition: "",
                reason: "keyring, eBPF, userfaultfd, perf events"),
        ]
        return SeccompProfile(defaultErrno: SeccompDefaults.defaultErrno, rules: rules, denials: denials)
    }
}
