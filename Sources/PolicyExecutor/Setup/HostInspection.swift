import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// What this host has of what mino needs, item by item, with the package that provides each
/// missing piece on the distribution's package manager. Used by `mino setup` (to decide what to
/// install) and `mino setup --check` / `mino status` (to report).
package struct HostInspection: Equatable {
    /// The distribution's package manager, from `/etc/os-release`.
    package enum PackageManager: String, Equatable {
        case apt, dnf
    }

    package struct Item: Equatable {
        /// A stable identifier (`podman`, `subuid`, …).
        package var id: String
        package var title: String
        package var present: Bool
        /// What was found, or what is missing.
        package var detail: String
        /// `false` for items that only improve things (a missing one is a warning).
        package var required: Bool
        /// The packages that provide it, by package manager; empty for non-package items.
        package var packages: [PackageManager: [String]] = [:]

        /// Creates a value from its parts.
        package init(
            id: String, title: String, present: Bool, detail: String, required: Bool,
            packages: [PackageManager: [String]] = [:]
        ) {
            self.id = id
            self.title = title
            self.present = present
            self.detail = detail
            self.required = required
            self.packages = packages
        }
    }

    /// `PRETTY_NAME` of `/etc/os-release`, or `unknown`.
    package var distribution: String
    package var packageManager: PackageManager?
    package var items: [Item]

    /// Creates a value from its parts.
    package init(distribution: String, packageManager: PackageManager? = nil, items: [Item]) {
        self.distribution = distribution
        self.packageManager = packageManager
        self.items = items
    }

    package var missingRequired: [Item] { items.filter { !$0.present && $0.required } }

    /// The packages to install for the missing items (or for every item, to upgrade).
    package func packages(upgrade: Bool) -> [String] {
        guard let packageManager else { return [] }
        var names = [String]()
        for item in items where upgrade || !item.present {
            for name in item.packages[packageManager] ?? [] where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// What the inspection reads, injected so that tests can describe any host.
    package struct Probe {
        package var readFile: (String) -> String?
        package var locate: (String) -> String?
        package var userID: UInt32
        package var userName: String
        package var environment: [String: String]

        /// Creates a value from its parts.
        package init(
            readFile: @escaping (String) -> String?, locate: @escaping (String) -> String?, userID: UInt32,
            userName: String, environment: [String: String]
        ) {
            self.readFile = readFile
            self.locate = locate
            self.userID = userID
            self.userName = userName
            self.environment = environment
        }

        package static func system(environment: [String: String]) -> Probe {
            Probe(
                readFile: { try? String(contentsOfFile: $0, encoding: .utf8) },
                locate: { name in
                    let path =
                        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin"
                    for directory in path.split(separator: ":") where directory.hasPrefix("/") {
                        let candidate = directory + "/" + name
                        if access(candidate, X_OK) == 0 { return String(candidate) }
                    }
                    return nil
                },
                userID: getuid(), userName: HostInspection.currentUserName(environment: environment),
                environment: environment)
        }
    }

    package static func currentUserName(environment: [String: String]) -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "unknown"
    }

    package static func inspect(_ probe: Probe) -> HostInspection {
        let release = parseOSRelease(probe.readFile("/etc/os-release") ?? "")
        let family = ([release["ID"] ?? ""] + (release["ID_LIKE"] ?? "").split(separator: " ").map(String.init))
        let manager: PackageManager? =
            family.contains { ["debian", "ubuntu"].contains($0) }
            ? .apt
            : family.contains { ["fedora", "rhel", "centos"].contains($0) } ? .dnf : nil
        var items = [Item]()
        func tool(
            _ id: String, _ title: String, names: [String], required: Bool, apt: [String], dnf: [String]
        ) {
            let found = names.lazy.compactMap(probe.locate).first
            items.append(
                Item(
                    id: id, title: title, present: found != nil,
                    detail: found ?? "not found (\(names.joined(separator: " or ")))", required: required,
                    packages: [.apt: apt, .dnf: dnf]))
        }
        tool("podman", "podman", names: ["podman"], required: true, apt: ["podman"], dnf: ["podman"])
        tool(
            "oci-runtime", "OCI runtime", names: ["runc", "crun"], required: true, apt: ["runc"], dnf: ["crun"])
        tool(
            "nftables", "nft (network fence, loaded by the fence hook)", names: ["nft"], required: true,
            apt: ["nftables"], dnf: ["nftables"])
        tool(
            "iptables", "iptables (the in-container wrapper fence's fallback)", names: ["iptables-restore"],
            required: false, apt: ["iptables"], dnf: ["iptables-nft"])
        if probe.userID != 0 {
            tool(
                "uidmap", "newuidmap/newgidmap (rootless)", names: ["newuidmap"], required: true, apt: ["uidmap"],
                dnf: ["shadow-utils"])
            tool(
                "rootless-network", "slirp4netns or pasta (rootless network)", names: ["slirp4netns", "pasta"],
                required: true, apt: ["slirp4netns"], dnf: ["slirp4netns"])
            tool(
                "fuse-overlayfs", "fuse-overlayfs (rootless storage)", names: ["fuse-overlayfs"], required: false,
                apt: ["fuse-overlayfs"], dnf: ["fuse-overlayfs"])
            for (file, id) in [("/etc/subuid", "subuid"), ("/etc/subgid", "subgid")] {
                let range = subordinateRange(in: probe.readFile(file) ?? "", user: probe.userName, id: probe.userID)
                items.append(
                    Item(
                        id: id, title: "\(file) entry for \(probe.userName)", present: range != nil,
                        detail: range.map { "\($0.count) ids from \($0.start)" } ?? "none", required: true))
            }
            let runtime = probe.environment["XDG_RUNTIME_DIR"] ?? ""
            items.append(
                Item(
                    id: "runtime-dir", title: "XDG_RUNTIME_DIR", present: runtime.hasPrefix("/"),
                    detail: runtime.isEmpty ? "not set (log in through a session manager, or export it)" : runtime,
                    required: false))
        }
        return HostInspection(
            distribution: release["PRETTY_NAME"] ?? release["ID"] ?? "unknown", packageManager: manager, items: items)
    }

    /// `KEY=value` lines, values unquoted.
    package static func parseOSRelease(_ text: String) -> [String: String] {
        var values = [String: String]()
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals])] = value
        }
        return values
    }

    /// The user's range in a subuid/subgid file (matched by name or numeric id).
    package static func subordinateRange(in text: String, user: String, id: UInt32) -> (start: UInt64, count: UInt64)? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":")
            guard fields.count == 3, fields[0] == user || fields[0] == String(id),
                let start = UInt64(fields[1]), let count = UInt64(fields[2]), count >= 65536
            else { continue }
            return (start, count)
        }
        return nil
    }

    /// The first free range of `count` ids at or above 100000 in a subuid/subgid file.
    package static func freeRange(in text: String) -> UInt64 {
        var start: UInt64 = 100_000
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":")
            guard fields.count == 3, let from = UInt64(fields[1]), let length = UInt64(fields[2]) else { continue }
            start = max(start, from + length)
        }
        return start
    }
}
