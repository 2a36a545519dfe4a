import Foundation
import Testing

extension Integration {
    /// The container posture of a session, seen from inside the agent and from `podman inspect`.
    @Suite struct Posture {
        /// Inside the agent: no capability in any of the five sets, NoNewPrivs 1, a seccomp
        /// filter (mode 2), the project mounted read-write with nosuid,nodev, and files the
        /// agent writes there owned by the invoking user on the host.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func agentHasNoPrivilege(_ identity: Identity) throws {
            let harness = try Harness(identity)
            let script = """
                grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status
                awk -v d="$PWD" '$5 == d { print "Mount:", $6 }' /proc/self/mountinfo
                echo made > created-by-agent && echo "Wrote: yes"
                echo "Uid: $(id -u)"
                """
            let result = harness.run([], ["sh", "-c", script])
            #expect(result.succeeded, "\(result)")
            let fields = Dictionary(
                result.lines.compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (
                        String(line[..<colon]),
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                }, uniquingKeysWith: { first, _ in first })
            for set in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
                #expect(fields[set] == "0000000000000000", "\(set) = \(fields[set] ?? "missing")\n\(result)")
            }
            #expect(fields["NoNewPrivs"] == "1", "\(result)")
            #expect(fields["Seccomp"] == "2", "\(result)")
            // Control: the mount line was found and the project is writable, so the options
            // below belong to the project mount.
            #expect(fields["Wrote"] == "yes", "the agent cannot write to the project\n\(result)")
            let options = (fields["Mount"] ?? "").split(separator: ",").map(String.init)
            #expect(options.contains("rw"), "project mount options: \(options)")
            #expect(options.contains("nosuid") && options.contains("nodev"), "project mount options: \(options)")

            var info = stat()
            #expect(stat(harness.project + "/created-by-agent", &info) == 0, "the agent's file is missing")
            #expect(info.st_uid == identity.ids.uid && info.st_gid == identity.ids.gid, "owner \(info.st_uid)")
            #expect(fields["Uid"] == String(identity.ids.uid), "\(result)")
        }

        /// `podman inspect` of a running detached session (an allowlist, so the fence's setup
        /// is part of what is inspected) shows exactly the expected security options.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func inspectShowsTheHardening(_ identity: Identity) throws {
            let harness = try Harness(identity)
            let name = harness.name("inspect")
            let started = harness.mino(
                ["run", "-q", "-d", "-n", name, "--network-allow", "10.88.0.254:80", "--", "sleep", "120"])
            try #require(started.succeeded, "\(started)")
            let inspected = harness.podman(["inspect", "mino-" + name])
            try #require(inspected.succeeded, "\(inspected)")
            let container = try #require(
                (try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [[String: Any]])?.first)
            let host = try #require(container["HostConfig"] as? [String: Any])
            let config = try #require(container["Config"] as? [String: Any])
            let create = config["CreateCommand"] as? [String] ?? []

            #expect(create.contains("--cap-drop") && create[create.firstIndex(of: "--cap-drop")! + 1] == "ALL")
            #expect((host["CapAdd"] as? [String] ?? ["?"]).isEmpty, "CapAdd: \(host["CapAdd"] ?? "nil")")
            #expect(!(host["CapDrop"] as? [String] ?? []).isEmpty)
            #expect((container["EffectiveCaps"] as? [String] ?? []).isEmpty, "\(container["EffectiveCaps"] ?? "")")
            #expect((container["BoundingCaps"] as? [String] ?? []).isEmpty, "\(container["BoundingCaps"] ?? "")")
            let options = host["SecurityOpt"] as? [String] ?? []
            #expect(options.first == "no-new-privileges" && options.count == 2, "\(options)")
            #expect(options.last?.hasPrefix("seccomp=/") == true, "mino's seccomp profile is not used: \(options)")
            #expect(options.last?.contains("/mino/seccomp/") == true, "\(options)")
            #expect(host["Privileged"] as? Bool == false)
            for mode in ["PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode"] {
                #expect(host[mode] as? String != "host", "\(mode) is host")
            }
            #expect(host["NetworkMode"] as? String == "bridge")
            let ulimits = (host["Ulimits"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["Name"] as? String ?? ""] = ($1["Hard"] as? NSNumber)?.intValue
            }
            let pids = (host["PidsLimit"] as? NSNumber)?.intValue ?? 0
            if identity == .rootless {
                // Rootless on cgroup v1: no pids limit; mino falls back to an nproc bound.
                #expect(pids == 4096 || ulimits["RLIMIT_NPROC"] == 4096, "pids \(pids), ulimits \(ulimits)")
                #expect(create.contains("--userns=keep-id"), "\(create)")
                let uid = identity.ids.uid
                let maps = (host["IDMappings"] as? [String: Any])?["UidMap"] as? [String] ?? []
                #expect(maps.contains("\(uid):0:1"), "the user is not mapped to itself: \(maps)")
                #expect(config["User"] as? String == "\(uid):\(identity.ids.gid)")
            } else {
                #expect(pids == 4096, "PidsLimit \(pids)")
                #expect(!create.contains { $0.hasPrefix("--userns") }, "\(create)")
            }
            for forbidden in ["--privileged", "--cap-add", "--pid=host", "--ipc=host", "--uts=host", "--userns=host"] {
                #expect(!create.contains(forbidden), "\(forbidden) in \(create)")
            }
            let stopped = harness.mino(["stop", "-f", name])
            #expect(stopped.succeeded, "\(stopped)")
        }
    }
}
