/// The JSON form of the policy used by `mino plan --format json`: every value with the place it
/// came from (`{"value": …, "from": "…"}`), secrets as `<redacted>`, keys sorted when rendered.
import Diagnostics

extension SandboxPolicy {
    /// The policy as JSON.
    public var jsonValue: JSONValue {
        func sourced<T>(_ item: Sourced<T>, _ encode: (T) -> JSONValue) -> JSONValue {
            .object(["value": encode(item.value), "from": .string(item.origin.summary)])
        }
        let text: (String) -> JSONValue = { .string($0) }
        let flag: (Bool) -> JSONValue = { .bool($0) }
        let number: (Int64) -> JSONValue = { .integer($0) }
        return .object([
            "runtime": sourced(runtime) { .string($0.rawValue) },
            "image": sourced(image, text),
            "layers": .array(layers.map { sourced($0, text) }),
            "command": command.map { sourced($0) { .array($0.map { .string($0) }) } } ?? .null,
            "shell": sourced(shell, text),
            "project": .object([
                "host_path": sourced(project.hostPath, text), "workdir": sourced(project.workdir, text),
                "options": .array(ProjectMount.options.map { .string($0) }),
            ]),
            "mounts": .array(mounts.map(\.jsonValue)),
            "environment": .array(environment.map(\.jsonValue)),
            "network": network.jsonValue,
            "read_only_root": sourced(readOnlyRoot, flag),
            "limits": .object([
                "pids": sourced(limits.pids) { .integer(Int64($0)) },
                "memory_mb": sourced(limits.memoryMB, number),
                "max_memory_mb": sourced(limits.maxMemoryMB, number),
                "max_processes": sourced(limits.maxProcesses, number),
                "max_cpu_seconds": sourced(limits.maxCPUSeconds, number),
                "max_file_size_mb": sourced(limits.maxFileSizeMB, number),
            ]),
            "credentials": .object([
                "aws": sourced(credentials.aws, flag),
                "aws_options": .object(credentials.awsOptions.mapValues { sourced($0, text) }),
                "gcp": sourced(credentials.gcp, flag),
                "gcp_options": .object(credentials.gcpOptions.mapValues { sourced($0, text) }),
                "azure": sourced(credentials.azure, flag),
                "azure_options": .object(credentials.azureOptions.mapValues { sourced($0, text) }),
                "github": sourced(credentials.github, flag),
                "github_host": sourced(credentials.githubHost, text),
                "ssh_agent": sourced(credentials.sshAgent, flag),
                "strict": sourced(credentials.strict, flag),
            ]),
            "caches": .object([
                "enabled": sourced(caches.enabled, flag), "fresh": sourced(caches.fresh, flag),
                "volumes": .array(
                    caches.volumes.map {
                        .object([
                            "ecosystem": .string($0.ecosystem), "volume": .string($0.volumeName),
                            "target": .string($0.target),
                        ])
                    }),
            ]),
            "home_volume": sourced(homeVolume, flag),
            "session": .object([
                "name": session.name.map { sourced($0, text) } ?? .null, "detach": sourced(session.detach, flag),
                "auto_cleanup_hours": sourced(session.autoCleanupHours, number),
            ]),
            "audit_log": sourced(auditLog, flag),
            "capabilities": sourced(capabilities) { .array($0.map { .string($0) }) },
            "identity": .object(["user": .string("invoking user"), "allow_root": sourced(identity.allowRoot, flag)]),
            "native": .object([
                "sandbox_user": sourced(native.sandboxUser, text),
                "passthrough_paths": .array(native.passthroughPaths.map { sourced($0, text) }),
                "writable_paths": .array(native.writablePaths.map { sourced($0, text) }),
                "env_passthrough": .array(native.environmentPassthrough.map { sourced($0, text) }),
            ]),
        ])
    }
}

extension NetworkPolicy {
    /// The network policy as JSON: mode, rules with their origins, enforcement and the session
    /// resolver's settings.
    public var jsonValue: JSONValue {
        func sourced<T>(_ item: Sourced<T>, _ encode: (T) -> JSONValue) -> JSONValue {
            .object(["value": encode(item.value), "from": .string(item.origin.summary)])
        }
        let described: (any CustomStringConvertible) -> JSONValue = { .string($0.description) }
        let seconds: (Int) -> JSONValue = { .integer(Int64($0)) }
        var object = [String: JSONValue]()
        object["mode"] = sourced(mode) { .string($0.rawValue) }
        object["rules"] = .array(
            rules.map { .object(["rule": .string($0.description), "from": .string($0.origin.summary)]) })
        object["preset"] = preset.map { sourced($0) { .string($0) } } ?? .null
        object["enforcement"] = sourced(enforcement) { .string($0.rawValue) }
        object["allow_private"] = .array(allowPrivate.map { sourced($0, described) })
        object["dns_servers"] = .array(dnsServers.map { sourced($0, described) })
        object["dns_types"] = .array(dnsTypes.map { sourced($0) { .string($0) } })
        object["pin_seconds"] = sourced(pinSeconds, seconds)
        object["pin_grace_seconds"] = sourced(pinGraceSeconds, seconds)
        return .object(object)
    }
}

extension Mount {
    /// The mount as JSON.
    public var jsonValue: JSONValue {
        let source: JSONValue
        switch self.source {
        case .hostPath(let path): source = .object(["host_path": .string(path)])
        case .volume(let name): source = .object(["volume": .string(name)])
        }
        return .object([
            "source": source, "target": .string(target), "options": .array(options.map { .string($0) }),
            "from": .string(origin.summary),
        ])
    }
}

extension EnvironmentVariable {
    /// The variable as JSON, its value redacted when secret.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "value": .string(displayValue), "from": .string(origin.summary),
        ]
        if case .credential(let provider) = value { object["provider"] = .string(provider) }
        return .object(object)
    }
}
