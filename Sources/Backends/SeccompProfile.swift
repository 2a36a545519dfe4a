import Diagnostics
import PolicyModel

/// An errno a seccomp rule returns, by name and value (the OCI profile carries both).
public struct SeccompErrno: Hashable, Sendable {
    /// The symbolic name (`EPERM`).
    public var name: String
    /// The number (`1`).
    public var value: Int64

    /// Creates an errno.
    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }

    /// `EPERM`: the operation is refused.
    public static let permission = SeccompErrno(name: "EPERM", value: 1)
    /// `ENOSYS`: the syscall looks unimplemented, so libc falls back (clone3 → clone).
    public static let notImplemented = SeccompErrno(name: "ENOSYS", value: 38)
}

/// A condition on one syscall argument.
public struct SeccompArgument: Hashable, Sendable {
    /// The comparison, as libseccomp names it.
    public enum Operator: String, Hashable, Sendable {
        /// `SCMP_CMP_EQ`: the argument equals `value`.
        case equal = "SCMP_CMP_EQ"
        /// `SCMP_CMP_NE`: the argument differs from `value`.
        case notEqual = "SCMP_CMP_NE"
        /// `SCMP_CMP_MASKED_EQ`: `argument & value == valueTwo`.
        case maskedEqual = "SCMP_CMP_MASKED_EQ"
    }

    /// The argument's position (0-based).
    public var index: Int64
    /// The operand (the mask for `maskedEqual`).
    public var value: Int64
    /// The second operand (the masked value for `maskedEqual`).
    public var valueTwo: Int64
    /// The comparison.
    public var op: Operator

    /// Creates a condition.
    public init(index: Int64, value: Int64, valueTwo: Int64, op: Operator) {
        self.index = index
        self.value = value
        self.valueTwo = valueTwo
        self.op = op
    }
}

/// When a rule applies: podman keeps it only for these architectures or capabilities
/// (`includes`), or drops it for them (`excludes`).
public struct SeccompCondition: Hashable, Sendable {
    /// Go architecture names (`amd64`, `s390x`).
    public var arches: [String]
    /// Capabilities (`CAP_SYS_ADMIN`).
    public var capabilities: [String]

    /// Creates a condition.
    public init(arches: [String] = [], capabilities: [String] = []) {
        self.arches = arches
        self.capabilities = capabilities
    }

    var json: JSONValue {
        var object = [String: JSONValue]()
        if !arches.isEmpty { object["arches"] = .array(arches.map(JSONValue.string)) }
        if !capabilities.isEmpty { object["caps"] = .array(capabilities.map(JSONValue.string)) }
        return .object(object)
    }
}

/// One rule of a seccomp profile: what happens to these syscalls when the arguments match.
public struct SeccompRule: Hashable, Sendable {
    /// What the filter does.
    public enum Action: Hashable, Sendable {
        /// The syscall runs.
        case allow
        /// The syscall fails with this errno.
        case errno(SeccompErrno)
    }

    /// The syscalls.
    public var names: [String]
    /// What happens.
    public var action: Action
    /// Conditions on the arguments (all must hold).
    public var arguments: [SeccompArgument]
    /// Where the rule applies.
    public var includes: SeccompCondition
    /// Where it does not.
    public var excludes: SeccompCondition
    /// Why mino added it (empty for podman's own rules).
    public var comment: String

    /// Creates a rule.
    public init(
        names: [String], action: Action, arguments: [SeccompArgument] = [], includes: SeccompCondition = .init(),
        excludes: SeccompCondition = .init(), comment: String = ""
    ) {
        self.names = names
        self.action = action
        self.arguments = arguments
        self.includes = includes
        self.excludes = excludes
        self.comment = comment
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "names": .array(names.map(JSONValue.string)),
            "args": .array(
                arguments.map {
                    .object([
                        "index": .integer($0.index), "value": .integer($0.value), "valueTwo": .integer($0.valueTwo),
                        "op": .string($0.op.rawValue),
                    ])
                }),
            "comment": .string(comment), "includes": includes.json, "excludes": excludes.json,
        ]
        switch action {
        case .allow:
            object["action"] = .string("SCMP_ACT_ALLOW")
        case .errno(let errno):
            object["action"] = .string("SCMP_ACT_ERRNO")
            object["errno"] = .string(errno.name)
            object["errnoRet"] = .integer(errno.value)
        }
        return .object(object)
    }
}

/// The facts of podman's default seccomp profile, generated into
/// `SeccompDefaults+Generated.swift` by `scripts/generate-seccomp-defaults.py`.
enum SeccompDefaults {}

/// A seccomp profile in podman's format (the OCI profile plus podman's `includes`/`excludes`,
/// which podman resolves for the container's capabilities and architecture), written to the
/// runtime directory (`SeccompBackend.profilePath`) and given to podman with
/// `--security-opt seccomp=PATH`; podman reads it when it creates the container.
public struct SeccompProfile: RenderedArtifact, Hashable {
    /// The rules, in order.
    public let rules: [SeccompRule]
    /// The syscalls mino refuses beyond podman's default, with how (for `plan`).
    public let denials: [SeccompDenial]
    public let rendered: String
    public let lines: [ArtifactLine]
    public let enforcement: [EnforcementReport]
    /// The SHA-256 of `rendered`, hex (`plan` shows it instead of the whole profile).
    public let sha256: String

    init(defaultErrno: SeccompErrno, rules: [SeccompRule], denials: [SeccompDenial]) {
        self.rules = rules
        self.denials = denials
        let document = JSONValue.object([
            "defaultAction": .string("SCMP_ACT_ERRNO"),
            "defaultErrno": .string(defaultErrno.name),
            "defaultErrnoRet": .integer(defaultErrno.value),
            "archMap": .array(
                SeccompDefaults.architectures.map {
                    .object([
                        "architecture": .string($0.architecture),
                        "subArchitectures": .array($0.subArchitectures.map(JSONValue.string)),
                    ])
                }),
            "syscalls": .array(rules.map(\.json)),
        ])
        rendered = document.rendered(pretty: true) + "\n"
        sha256 = SHA256.hash(rendered.utf8).hex
        lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            ArtifactLine(String($0))
        }
        enforcement = [
            EnforcementReport(
                "seccomp", .kernel,
                "podman's default filter plus mino's denials: user namespaces, keyring, eBPF, userfaultfd, "
                    + "perf events (SECCOMP below)")
        ]
    }

    /// The summary `plan` prints: the base, then one line per denial.
    public var summaryLines: [ArtifactLine] {
        let allowed = Set(rules.filter { $0.action == .allow }.flatMap(\.names)).count
        return [
            ArtifactLine("base: podman's default profile, default action ENOSYS, \(allowed) syscalls allowed"),
            ArtifactLine("capability- and architecture-dependent rules resolved by podman for the container"),
        ] + denials.map { ArtifactLine("deny " + $0.summary) }
    }
}

/// One denial mino adds to podman's default, as `plan` shows it.
public struct SeccompDenial: Hashable, Sendable {
    /// The syscalls.
    public var names: [String]
    /// The errno they fail with.
    public var errno: SeccompErrno
    /// When (empty: always).
    public var condition: String
    /// Why.
    public var reason: String

    /// `clone, unshare with CLONE_NEWUSER: EPERM (user namespaces)`.
    public var summary: String {
        names.joined(separator: ", ") + (condition.isEmpty ? "" : " " + condition) + ": \(errno.name) (\(reason))"
    }
}
