import Diagnostics
import PolicyModel

extension Diagnostic {
    /// This diagnostic as a warning (a refusal `mino plan` reports without stopping).
    package var asWarning: Diagnostic {
        var copy = self
        copy.severity = .warning
        return copy
    }

    package static func sshAgentUnavailable(_ path: String, reason: String) -> Diagnostic {
        .warning(
            "credentials.ssh-agent-unavailable", "the SSH agent at `\(path)` is not forwarded: \(reason)",
            help: "start an agent (`eval $(ssh-agent)`), or pass --no-ssh-agent")
    }

    package static func fenceFallback(at origin: Origin) -> Diagnostic {
        .warning(
            "network.fence-fallback",
            "nsenter or iptables-restore is missing on the host: the allowlist is applied inside the container instead",
            at: origin, help: "install util-linux and iptables to load the fence from the host (`mino setup`)")
    }

    package static func rootRefused(at origin: Origin?) -> Diagnostic {
        .error(
            "run.root-refused", "mino is running as root, so the agent would run as root in the container", at: origin,
            help:
                "run mino as your own user; if you really mean it, pass --allow-root or set `general.allow_root = true`"
        )
    }

    package static func nativeUnavailable(at origin: Origin) -> Diagnostic {
        .error(
            "run.native-unavailable", "the native runtime is not available in this build", at: origin,
            help: "use the container runtime (`--runtime container`, the default)")
    }
}
