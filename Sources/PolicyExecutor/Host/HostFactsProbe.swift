import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Gathers `HostFacts` from the running system without starting anything: identity, rootless
/// or not, the cgroup version, the resolvers a container will inherit, the caller's hard
/// limits and, when asked, the addresses of allowlisted names.
package enum HostFactsProbe {
    package static func probe(
        environment: [String: String], version: String, executablePath: String?, override: HostFacts? = nil
    ) -> HostFacts {
        if let override { return override }
        let uid = getuid()
        let gid = getgid()
        var userName = environment["USER"] ?? ""
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            userName = String(cString: name)
        }
        let cgroupVersion = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") ? 2 : 1
        let rootless = geteuid() != 0
        #if os(macOS)
            let platform = HostFacts.Platform.macOS
        #else
            let platform = HostFacts.Platform.linux
        #endif
        return HostFacts(
            platform: platform, userID: uid, groupID: gid, userName: userName,
            homeDirectory: ConfigLocations.home(environment: environment), isRootless: rootless,
            cgroupVersion: cgroupVersion, pidsLimitSupported: !(rootless && cgroupVersion == 1), podmanVersion: nil,
            containerResolvers: containerResolvers(), resolvedAddresses: [:],
            sshAuthSocket: environment["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : $0 },
            hardLimits: hardLimits(), minoVersion: version, fenceTools: fenceTools(environment),
            sshAgentProblem: environment["SSH_AUTH_SOCK"].flatMap {
                $0.isEmpty ? nil : SSHAgentProbe.problem(with: $0)
            }, generatedSessionName: SessionStore.generatedName(), minoExecutable: executablePath,
            runtimeDirectory: runtimeDirectory(uid: uid, environment: environment),
            hostResolvers: hostResolvers(), hostAddresses: hostAddresses(), memoryTotalMB: memoryTotalMB())
    }

    /// `MemTotal` of `/proc/meminfo` in MiB, or `nil` when unknown (not Linux).
    package static func memoryTotalMB(meminfo: String = "/proc/meminfo") -> Int64? {
        guard let text = try? String(contentsOfFile: meminfo, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kibibytes = Int64(fields[1]) else { return nil }
            return kibibytes / 1024
        }
        return nil
    }

    /// mino's per-session runtime directory: `/run/mino` for root, else `$XDG_RUNTIME_DIR/mino`
    /// when that is absolute and short enough for the sockets in it, else `/tmp/mino-UID`.
    package static func runtimeDirectory(uid: UInt32, environment: [String: String]) -> String {
        if uid == 0 { return "/run/mino" }
        if let base = environment["XDG_RUNTIME_DIR"], base.hasPrefix("/"), base.utf8.count <= 48,
            !base.contains("\n")
        {
            return base + "/mino"
        }
        return "/tmp/mino-\(uid)"
    }

    /// Every `nameserver` of `/etc/resolv.conf`, loopback ones included.
    package static func hostResolvers(resolvConf: String = "/etc/resolv.conf") -> [String] {
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            return IPAddress(String(fields[1]))?.description
        }
    }

    /// The addresses of every interface of the host, canonical and sorted.
    package static func hostAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses = Set<IPAddress>()
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                    let bytes = withUnsafeBytes(of: inet.pointee.sin_addr) { Array($0) }
                    if let value = IPAddress(bytes: bytes) { addresses.insert(value) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet in
                    let bytes = withUnsafeBytes(of: inet.pointee.sin6_addr) { Array($0) }
                    if let value = IPAddress(bytes: bytes) { addresses.insert(value) }
                }
            default: continue
            }
        }
        return addresses.sorted().map(\.description)
    }

    /// The netns applier's host tools, or `nil` when one is missing.
    package static func fenceTools(_ environment: [String: String]) -> FenceTools? {
        // The hook runs with the runtime's environment, so the path is fixed here.
        var search = environment
        search["PATH"] = (environment["PATH"].map { $0 + ":" } ?? "") + "/usr/sbin:/sbin"
        return ExecutableLocator.locate("nft", environment: search).map(FenceTools.init(nft:))
    }

    /// The resolvers of `/etc/resolv.conf` a container inherits: podman drops loopback
    /// resolvers (they would point into the container) and falls back to public ones.
    package static func containerResolvers(resolvConf: String = "/etc/resolv.conf") -> [String] {
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else { return [] }
        var servers = [String]()
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            let address = String(fields[1])
            if address.hasPrefix("127.") || address == "::1" { continue }
            if NetworkRuleSyntax.isIPv4(address) || NetworkRuleSyntax.isIPv6(address) { servers.append(address) }
        }
        return servers.isEmpty ? ["8.8.8.8", "8.8.4.4"] : servers
    }

    /// IPv4 and IPv6 addresses of a name (TCP), sorted and without duplicates.
    package static func resolve(_ name: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0 else { return [] }
        defer { freeaddrinfo(result) }
        var addresses = Set<String>()
        var cursor = result
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = info.pointee.ai_addr,
                getnameinfo(address, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                    == 0
            {
                addresses.insert(
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = info.pointee.ai_next
        }
        return addresses.sorted()
    }

    /// The caller's hard limits for open files and processes.
    package static func hardLimits() -> [String: UInt64] {
        var result = [String: UInt64]()
        var limit = rlimit()
        #if os(Linux)
            // RLIMIT_NPROC is a macro Swift does not import; 6 is its value on Linux.
            let resources: [(String, __rlimit_resource_t)] = [
                ("nofile", __rlimit_resource_t(RLIMIT_NOFILE.rawValue)), ("nproc", 6),
            ]
            for (name, resource) in resources where getrlimit(resource, &limit) == 0 {
                result[name] = UInt64(limit.rlim_max)
            }
        #else
            for (name, resource) in [("nofile", RLIMIT_NOFILE), ("nproc", RLIMIT_NPROC)]
            where getrlimit(resource, &limit) == 0 {
                result[name] = UInt64(limit.rlim_max)
            }
        #endif
        return result
    }
}
