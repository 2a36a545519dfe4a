import Diagnostics
import PolicyModel

/// The "policy" section of `mino plan`: one line per setting, each with where it came from.
/// Secret values are always `<redacted>`.
package enum PolicySummary {
    /// A labelled row: `label  value  # provenance`.
    package struct Row {
        package var label: String
        package var value: String
        package var origin: Origin?
    }

    package static func rows(_ policy: SandboxPolicy) -> [Row] {
        var rows = [Row]()
        func add(_ label: String, _ value: String, _ origin: Origin?) {
            rows.append(Row(label: label, value: value, origin: origin))
        }
        add("runtime", policy.runtime.value.rawValue, policy.runtime.origin)
        add("image", policy.image.value, policy.image.origin)
        for layer in policy.layers {
            add("  layer", layer.value, layer.origin)
        }
        if let command = policy.command {
            add("command", command.value.map(ShellQuoting.displayQuote).joined(separator: " "), command.origin)
        } else {
            add("command", "(interactive shell) " + ShellQuoting.displayQuote(policy.shell.value), policy.shell.origin)
        }
        add(
            "project",
            ShellQuoting.displayQuote(policy.project.hostPath.value) + " -> "
                + ShellQuoting.displayQuote(policy.project.workdir.value) + " ("
                + ProjectMount.options.joined(separator: ",") + ")",
            policy.project.hostPath.origin == .builtin ? nil : policy.project.hostPath.origin)
        for mount in policy.mounts {
            let source: String
            switch mount.source {
            case .hostPath(let path): source = ShellQuoting.displayQuote(path)
            case .volume(let name): source = "volume " + ShellQuoting.displayQuote(name)
            }
            let options = mount.options.isEmpty ? "" : " (" + mount.options.joined(separator: ",") + ")"
            add("mount", source + " -> " + ShellQuoting.displayQuote(mount.target) + options, mount.origin)
        }
        var network = policy.network.mode.value.rawValue
        if policy.network.mode.value == .allowlist {
            network +=
                ", \(policy.network.rules.count) rule(s), applied by \(policy.network.enforcement.value.rawValue)"
            if let preset = policy.network.preset { network += ", preset \(preset.value)" }
        }
        add("network", network, policy.network.mode.origin)
        for rule in policy.network.rules {
            add("  allow", rule.description, rule.origin)
        }
        add(
            "capabilities",
            policy.capabilities.value.isEmpty ? "none (all dropped)" : policy.capabilities.value.joined(separator: ","),
            policy.capabilities.origin)
        add(
            "identity", policy.identity.allowRoot.value ? "invoking user, root allowed" : "invoking user, never root",
            policy.identity.allowRoot.origin)
        add("read-only root", String(policy.readOnlyRoot.value), policy.readOnlyRoot.origin)
        add("pids limit", String(policy.limits.pids.value), policy.limits.pids.origin)
        let memory = policy.limits.memoryMB
        add(
            "memory limit",
            memory.value > 0 ? "\(memory.value) MiB" : "automatic (half the host's memory, at most 16384 MiB)",
            memory.origin)
        for variable in policy.environment {
            var value = variable.oneLineDisplayValue
            if case .credential(let provider) = variable.value {
                value += " (from the \(provider) credential provider)"
            }
            add("env", variable.name + "=" + value, variable.origin)
        }
        let providers = [
            ("aws", policy.credentials.aws), ("gcp", policy.credentials.gcp), ("azure", policy.credentials.azure),
            ("github", policy.credentials.github), ("ssh-agent", policy.credentials.sshAgent),
        ]
        for (name, enabled) in providers where enabled.value {
            add("credentials", name, enabled.origin)
        }
        if policy.credentials.strict.value { add("credentials", "strict", policy.credentials.strict.origin) }
        add("caches", policy.caches.enabled.value ? "enabled" : "disabled", policy.caches.enabled.origin)
        for volume in policy.caches.volumes {
            let source = volume.lockfile.map { " (from \($0))" } ?? ""
            add("  cache", "\(volume.volumeName) -> \(volume.target)\(source)", policy.caches.enabled.origin)
        }
        if policy.caches.fresh.value { add("  fresh", "true", policy.caches.fresh.origin) }
        add("home volume", policy.homeVolume.value ? "enabled" : "disabled", policy.homeVolume.origin)
        if let name = policy.session.name { add("session", name.value, name.origin) }
        if policy.session.detach.value { add("detach", "true", policy.session.detach.origin) }
        add("audit log", policy.auditLog.value ? "enabled" : "disabled", policy.auditLog.origin)
        return rows
    }

    /// The rows as aligned text with `# provenance` comments.
    package static func render(_ policy: SandboxPolicy) -> String {
        let all = rows(policy)
        let labelWidth = all.map { $0.label.unicodeScalars.count }.max() ?? 0
        let valueWidth = min(48, all.map { $0.value.unicodeScalars.count }.max() ?? 0)
        var text = ""
        for row in all {
            var line = row.label.padding(labelWidth) + "  " + row.value
            if let origin = row.origin {
                line = line.padding(labelWidth + 2 + valueWidth) + "  # " + Provenance.describe(origin)
            } else if row.label == "project" {
                line = line.padding(labelWidth + 2 + valueWidth) + "  # working directory"
            }
            text += line + "\n"
        }
        return text
    }
}

extension String {
    /// The string padded with spaces to `width` columns, counting Unicode scalars (unchanged
    /// when longer).
    package func padding(_ width: Int) -> String {
        let length = unicodeScalars.count
        // One allocation for the spaces (`String(repeating:count:)` appends them one by one).
        return length >= width
            ? self : self + String(decoding: [UInt8](repeating: 0x20, count: width - length), as: UTF8.self)
    }
}
