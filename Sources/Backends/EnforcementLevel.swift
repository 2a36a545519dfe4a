/// How strongly a host enforces one element of a policy, as reported by the backend that
/// compiles it. `mino plan` prints the levels; `mino run` refuses to start when something the
/// user asked for would not be enforced, unless the user accepts the downgrade.
import Diagnostics

public enum EnforcementLevel: String, Hashable, Sendable, CaseIterable {
    /// The kernel enforces it: namespaces, netfilter, capabilities, cgroups.
    case kernel
    /// A proxy mino runs enforces it; processes that bypass the proxy are not held.
    case proxy
    /// Only a convention the agent may ignore (e.g. proxy environment variables).
    case advisory
    /// This host cannot enforce it at all (e.g. `--pids-limit` under rootless cgroup v1).
    case unsupported
}
