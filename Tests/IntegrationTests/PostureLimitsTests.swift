import Foundation
import Testing

extension Integration {
    /// mino's seccomp profile and memory limit, from inside real sessions; every refusal
    /// beside a control that shows the same thing works without mino's posture.
    @Suite struct PostureLimits {
        /// `unshare -Ur` fails inside a session (EPERM from mino's profile), while the same
        /// command succeeds in a plain podman container with the same flags but podman's
        /// default profile; threads (clone3 → clone fallback), `unshare --help` and ordinary
        /// processes work; `keyctl` is refused while `getpid` answers.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func userNamespacesAndKeyringAreRefused(_ identity: Identity) throws {
            let harness = try Harness(identity)
            // The image's python has no ctypes: perl makes the raw syscalls (x86_64 numbers:
            // keyctl 250 with KEYCTL_GET_KEYRING_ID 0 on the session keyring -3; getpid 39).
            let keyctl = """
                $r = syscall(250, 0, -3, 0); print "keyctl $r ", $!+0, "\\n";
                print "getpid ", (syscall(39) > 0 ? "True" : "False"), "\\n";
                """
            let threads = """
                import os, threading
                box = []
                thread = threading.Thread(target=lambda: box.append("ok"))
                thread.start(); thread.join()
                print("thread", box[0])
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                print("fork", os.waitpid(pid, 0)[1])
                """
            try harness.writeProject("keyctl.pl", keyctl)
            try harness.writeProject("threads.py", threads)
            let script = """
                unshare -Ur true 2>unshare.err; echo "unshare-Ur: $?"
                unshare -U true 2>/dev/null; echo "unshare-U: $?"
                echo "unshare-error: $(cat unshare.err)"
                unshare --help >/dev/null; echo "unshare-help: $?"
                sh -c 'exit 0'; echo "plain: $?"
                perl keyctl.pl
                python3 threads.py
                """
            let result = harness.run([], ["sh", "-c", script])
            #expect(result.succeeded, "\(result)")
            let lines = result.lines
            #expect(lines.contains("unshare-Ur: 1"), "\(result)")
            #expect(
                lines.contains { $0.hasPrefix("unshare-error:") && $0.contains("Operation not permitted") },
                "\(result)")
            #expect(lines.contains("unshare-U: 1"), "\(result)")
            #expect(lines.contains("unshare-help: 0"), "\(result)")
            #expect(lines.contains("plain: 0"), "\(result)")
            #expect(lines.contains("keyctl -1 1"), "keyctl is not refused with EPERM\n\(result)")
            #expect(lines.contains("getpid True"), "\(result)")
            #expect(lines.contains("thread ok"), "threads fail under the profile\n\(result)")
            #expect(lines.contains("fork 0"), "fork fails under the profile\n\(result)")

            // Control: the same flags mino uses, podman's default profile: user namespaces work
            // (`-U` alone: container root without capabilities cannot write a uid map).
            let (uid, gid) = identity.ids
            var control = [
                "run", "--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "\(uid):\(gid)",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
            ]
            if identity == .rootless { control.append("--userns=keep-id") }
            let plain = harness.podman(control + [Harness.image, "unshare", "-U", "true"])
            #expect(plain.succeeded, "unshare -U fails without mino's profile too: the block proves nothing\n\(plain)")
            let keyring = harness.podman(control + [Harness.image, "perl", "-e", keyctl])
            #expect(keyring.stdout.contains("keyctl") && !keyring.stdout.contains("keyctl -1"), "\(keyring)")
        }

        /// With `container.memory_mb = 512`, a process allocating 64 MiB chunks (up to 2 GiB) is
        /// killed at the limit and the session ends by itself; the control allocates 256 MiB
        /// under the same limit and exits 0. Where the host cannot enforce the limit (rootless
        /// on cgroup v1) the plan says `unsupported` and the bomb is not run.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func memoryBombIsKilledAtTheLimit(_ identity: Identity) throws {
            let harness = try Harness(identity)
            let config = try String(contentsOfFile: harness.configFile, encoding: .utf8)
            try config.replacingOccurrences(of: "[container]\n", with: "[container]\nmemory_mb = 512\n")
                .write(toFile: harness.configFile, atomically: true, encoding: .utf8)
            chmod(harness.configFile, 0o644)
            let bomb = """
                import sys
                chunks = []
                for index in range(int(sys.argv[1])):
                    chunks.append(b"\\x01" * (64 << 20))
                print("allocated", len(chunks) * 64, "MiB", flush=True)
                """
            try harness.writeProject("bomb.py", bomb)

            let plan = harness.mino(["plan", "--", "true"])
            try #require(plan.succeeded, "\(plan)")
            let report = plan.stdout.split(separator: "\n").first { $0.contains("limits.memory") }.map(String.init)
            let cgroupV1 = !FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers")
            if identity == .rootless && cgroupV1 {
                #expect(report?.contains("unsupported") == true, "\(plan.stdout)")
                #expect(!plan.stdout.contains("--memory-swap"), "\(plan.stdout)")
                // `--strict` refuses such a host; without it the same session runs (control).
                let strict = harness.run(["--strict"], ["true"])
                #expect(strict.status == 1 && strict.stderr.contains("run.unenforced"), "\(strict)")
                let relaxed = harness.run([], ["true"])
                #expect(relaxed.succeeded, "\(relaxed)")
                return
            }
            #expect(report?.contains("kernel") == true && report?.contains("512 MiB") == true, "\(plan.stdout)")
            #expect(plan.stdout.contains("--memory 512m --memory-swap 512m"), "\(plan.stdout)")

            let control = harness.run([], ["python3", "bomb.py", "4"], timeout: 180)
            #expect(control.succeeded, "256 MiB under a 512 MiB limit fails\n\(control)")
            #expect(control.stdout.contains("allocated 256 MiB"), "\(control)")

            let killed = harness.run([], ["python3", "bomb.py", "32"], timeout: 180)
            #expect(!killed.timedOut, "the bomb did not stop by itself\n\(killed)")
            #expect(killed.status == 137, "the bomb was not killed (SIGKILL, 137)\n\(killed)")
            #expect(!killed.stdout.contains("allocated"), "the bomb allocated 2 GiB under a 512 MiB limit\n\(killed)")
        }
    }
}
