import Diagnostics
import PolicyModel
import TOML

/// Messages of policy compilation (network resolution, mounts, names).
extension Diagnostic {
    static func networkConflict(_ message: String, at origin: Origin, other: Origin) -> Diagnostic {
        .error(
            "network.conflict", message, at: origin,
            labels: [Diagnostic.Label("the network mode is set here", at: other)],
            help: "use `--network bridge` (the default) with an allowlist, or `--network none` without one")
    }

    static func networkHostOverridden(by what: String, at origin: Origin, host: Origin) -> Diagnostic {
        .warning(
            "network.host-overridden", "network `host` is replaced by `bridge` because \(what) is set", at: host,
            labels: [Diagnostic.Label("\(what) is set here", at: origin)],
            help: "an allowlist needs bridge networking; remove `host` to silence this warning")
    }

    static func networkPresetIgnored(at origin: Origin, allow: Origin) -> Diagnostic {
        .warning(
            "network.preset-ignored", "`network_preset` is ignored because `network_allow` is set in the same place",
            at: origin, labels: [Diagnostic.Label("`network_allow` is set here", at: allow)],
            help: "keep one of the two; to use a preset plus extra hosts, copy the preset's hosts into `network_allow`")
    }

    static func networkDuplicateRule(_ rule: String, at origin: Origin, first: Origin) -> Diagnostic {
        .warning(
            "network.duplicate-rule", "`\(rule)` is allowed more than once", at: origin,
            labels: [Diagnostic.Label("first allowed here", at: first)], help: "remove the repeated rule")
    }

    static func invalidVolume(_ spec: String, reason: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.invalid-volume", "invalid volume `\(spec)`: \(reason)", at: origin,
            help: "write volumes as `HOST:CONTAINER[:OPTIONS]` with absolute paths, e.g. `/data:/data:ro`")
    }

    static func sensitiveVolume(_ spec: String, store: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.sensitive-volume", "volume `\(spec)` exposes the credential store `~/\(store)`", at: origin,
            help: "mounting credentials defeats the sandbox; if you must, add `\"\(store)\"` to "
                + "`sandbox.allow_sensitive_paths` in your global config")
    }

    static func invalidProjectPath(_ path: String, reason: String, at origin: Origin?) -> Diagnostic {
        .error(
            "policy.invalid-project-path", "the project path `\(path)` \(reason)", at: origin,
            help: "run mino from a directory whose path has no `:`, `,` or control characters, or pass `-p`")
    }

    static func invalidWorkdir(_ path: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.invalid-workdir",
            "`container.workdir` must be an absolute path without `:` or `,`, found `\(path)`",
            at: origin, help: "e.g. `workdir = \"/workspace\"`")
    }

    static func invalidSessionName(_ name: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.invalid-session-name", "invalid session name `\(name)`", at: origin,
            help: "use 1-64 characters from A-Z a-z 0-9 _ and -, not starting with -")
    }

    static func emptyCommand(at origin: Origin) -> Diagnostic {
        .error("policy.empty-command", "the command after `--` is empty", at: origin, help: "name a program to run")
    }
}
