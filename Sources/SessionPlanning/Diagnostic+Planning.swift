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
            "nft is missing on the host: the allowlist is applied inside the container instead, without policy DNS",
            at: origin, help: "install nftables so the fence hook can load the fence (`mino setup`)")
    }

    /// What the in-container wrapper applier does not have: said by `plan` and `run` alike.
    package static func wrapperWithoutPolicyDNS(at origin: Origin) -> Diagnostic {
        .warning(
            "network.no-policy-dns",
            "the wrapper applier has no session resolver: the agent can resolve any name through the container's "
                + "resolver (DNS labels can carry data out), allowed names are resolved once at start, "
                + "and `*.domain` rules open nothing",
            at: origin, help: "install nftables on the host for the fence hook and its resolver (`mino setup`)")
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
