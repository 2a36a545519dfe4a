import Diagnostics
import PolicyModel

extension PodmanBackend {
    /// A variable to pass with `-e NAME`, its value, and where it was set.
    struct PlannedVariable {
        let value: EnvironmentVariable.Value
        let origin: Origin?
    }

    /// Names podman reads from its own environment. Values travel in that environment, so
    /// passing one of these to the container would change how podman itself runs (where it
    /// finds its configuration, storage, runtime, or libraries): refused.
    static let reservedEnvironmentNames: Set<String> = [
        "HOME", "PATH", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "DBUS_SESSION_BUS_ADDRESS",
        "NOTIFY_SOCKET", "REGISTRY_AUTH_FILE", "STORAGE_DRIVER", "STORAGE_OPTS", "CONTAINER_HOST",
        "CONTAINER_CONNECTION", "CONTAINER_SSHKEY", "CONTAINER_PASSPHRASE", "GODEBUG", "GOTRACEBACK",
    ]

    /// Prefixes of names podman or the dynamic loader read.
    static let reservedEnvironmentPrefixes = ["CONTAINERS_", "_CONTAINERS_", "PODMAN_", "BUILDAH_", "LD_"]

    /// Whether podman would read `name` from its own environment.
    static func isReservedEnvironmentName(_ name: String) -> Bool {
        reservedEnvironmentNames.contains(name) || reservedEnvironmentPrefixes.contains { name.hasPrefix($0) }
    }

    /// The container's variables by name: cache variables, overridden by the policy's, and
    /// `SSH_AUTH_SOCK=/ssh-agent` when the agent socket is mounted. Problems go to `collector`.
    static func plannedEnvironment(
        _ policy: SandboxPolicy, facts: HostFacts, into collector: inout DiagnosticCollector
    ) -> [String: PlannedVariable] {
        var variables = [String: PlannedVariable]()
        if policy.caches.enabled.value {
            for cache in policy.caches.volumes {
                for (name, value) in cache.environment {
                    variables[name] = PlannedVariable(value: .literal(value), origin: policy.caches.enabled.origin)
                }
            }
        }
        for variable in policy.environment {
            variables[variable.name] = PlannedVariable(value: variable.value, origin: variable.origin)
        }
        if policy.credentials.sshAgent.value, facts.sshAuthSocket != nil {
            variables["SSH_AUTH_SOCK"] = PlannedVariable(
                value: .literal(sshAgentTarget), origin: policy.credentials.sshAgent.origin)
        }
        for name in variables.keys.sorted() {
            let origin = variables[name]?.origin
            if let problem = Validation.environmentName(name, origin: origin) {
                collector.add(problem)
            } else if isReservedEnvironmentName(name) {
                collector.add(.backendReservedEnvironmentName(name, at: origin))
            }
            if case .literal(let value) = variables[name]?.value, value.utf8.contains(0) {
                collector.add(.backendInvalidEnvironmentValue(name, at: origin))
            }
        }
        return variables
    }
}
