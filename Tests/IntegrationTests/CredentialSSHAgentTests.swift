import Foundation
import Testing

extension Integration.CredentialTests {
    /// SSH agent forwarding with a real `ssh-agent` holding a key made by `ssh-keygen`. The
    /// test image has no ssh-add, so the agent is asked from inside with python3 speaking the
    /// agent protocol over $SSH_AUTH_SOCK (SSH2_AGENTC_REQUEST_IDENTITIES, 11; the answer,
    /// SSH2_AGENT_IDENTITIES_ANSWER, 12, carries the keys and their comments).
    @Suite struct SSHAgent {
        static let client = #"""
            import os, socket, struct, sys

            def read(connection, size):
                data = b""
                while len(data) < size:
                    chunk = connection.recv(size - len(data))
                    if not chunk:
                        raise EOFError("agent closed")
                    data += chunk
                return data

            def string(data, offset):
                (size,) = struct.unpack(">I", data[offset:offset + 4])
                return data[offset + 4:offset + 4 + size], offset + 4 + size

            lines = ["sock=%s" % os.environ.get("SSH_AUTH_SOCK", "")]
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                    connection.settimeout(5)
                    connection.connect(os.environ["SSH_AUTH_SOCK"])
                    connection.sendall(struct.pack(">IB", 1, 11))
                    (size,) = struct.unpack(">I", read(connection, 4))
                    answer = read(connection, size)
                    lines.append("type=%d" % answer[0])
                    (count,) = struct.unpack(">I", answer[1:5])
                    lines.append("keys=%d" % count)
                    offset = 5
                    for _ in range(count):
                        _, offset = string(answer, offset)
                        comment, offset = string(answer, offset)
                        lines.append("comment=%s" % comment.decode())
            except Exception as error:
                lines.append("error=%s" % type(error).__name__)
            for path in sys.argv[1:]:
                try:
                    open(path, "rb").read()
                    lines.append("read %s=yes" % path)
                except OSError as error:
                    lines.append("read %s=no (%s)" % (path, error.strerror))
            open("agent.out", "w").write("\n".join(lines) + "\n")
            """#

        /// A key in the identity's real ~/.ssh (removed afterwards) loaded into a new agent whose
        /// socket is in the harness directory. The agent, like every ssh-agent, only answers
        /// its own user (and root), so it runs as the identity.
        final class Agent {
            let socket: String
            let keyFile: String
            let comment: String
            private let process: Background

            init(_ harness: Harness) throws {
                let directory = try harness.ownedDirectory(harness.base + "/agent")
                socket = directory + "/agent.sock"
                comment = "mino-it-key-" + harness.prefix
                let ssh = harness.identity.home + "/.ssh"
                if !FileManager.default.fileExists(atPath: ssh) {
                    try harness.ownedDirectory(ssh)
                    chmod(ssh, 0o700)
                }
                keyFile = ssh + "/id_ed25519_" + harness.prefix
                let environment = ["PATH": Command.path, "HOME": harness.identity.home, "SSH_AUTH_SOCK": socket]
                let made = Command.run(
                    harness.argv(
                        "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", keyFile]),
                    environment: environment, timeout: 30)
                guard made.succeeded else { throw HarnessError("ssh-keygen: \(made)") }
                process = try Background(
                    harness.argv("/usr/bin/ssh-agent", ["-D", "-a", socket]), environment: environment, directory: "/")
                guard Command.poll(timeout: 10, { FileManager.default.fileExists(atPath: self.socket) }) else {
                    throw HarnessError("ssh-agent did not start: \(process.wait(timeout: 1))")
                }
                let added = Command.run(
                    harness.argv("/usr/bin/ssh-add", [keyFile]), environment: environment, timeout: 30)
                guard added.succeeded else { throw HarnessError("ssh-add: \(added)") }
            }

            deinit {
                process.signal(SIGTERM)
                _ = process.wait(timeout: 5)
                unlink(keyFile)
                unlink(keyFile + ".pub")
            }
        }

        /// The forwarded agent lists the key inside the sandbox (rootless under keep-id and
        /// rootful), while the key files in the host's ~/.ssh cannot be read there. Control of
        /// the same kind: a project file is readable by the same code.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func agentIsForwardedButNotTheKeys(_ identity: Identity) throws {
            let harness = try Harness(identity)
            let agent = try Agent(harness)
            harness.environment["SSH_AUTH_SOCK"] = agent.socket
            try harness.writeProject("agent.py", Self.client)
            try harness.writeProject("control.txt", "project file\n")
            let ssh = identity.home + "/.ssh"
            let result = harness.run(
                [], ["python3", "agent.py", "control.txt", agent.keyFile, agent.keyFile + ".pub", ssh])
            try #require(result.succeeded, "\(result)")
            let lines = (harness.projectFile("agent.out") ?? "").split(separator: "\n").map(String.init)
            #expect(lines.contains("sock=/ssh-agent"), "\(lines)")
            #expect(lines.contains("type=12") && lines.contains("keys=1"), "\(lines)")
            #expect(lines.contains("comment=" + agent.comment), "\(lines)")
            #expect(lines.contains("read control.txt=yes"), "control: a project file is readable\n\(lines)")
            #expect(lines.contains("read \(agent.keyFile)=no (No such file or directory)"), "\(lines)")
            #expect(lines.contains("read \(agent.keyFile).pub=no (No such file or directory)"), "\(lines)")
            #expect(FileManager.default.isReadableFile(atPath: agent.keyFile), "control: the key is on the host")
            #expect(!result.output.contains("ssh-agent-unavailable"), "\(result)")
        }

        /// A dead agent (a socket file nobody listens on) is a warning; the run succeeds
        /// without SSH_AUTH_SOCK. A missing socket too. Control: the live agent above is
        /// forwarded.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func deadAgentIsAWarning() throws {
            let harness = try Harness(.rootless)
            let directory = try harness.ownedDirectory(harness.base + "/agent")
            let dead = directory + "/dead.sock"
            let made = Command.run(
                harness.argv(
                    "/usr/bin/python3",
                    ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", dead]),
                timeout: 30)
            try #require(made.succeeded && fileMode(dead) != nil, "\(made)")
            try harness.writeProject("agent.py", Self.client)
            for socket in [dead, directory + "/missing.sock"] {
                harness.environment["SSH_AUTH_SOCK"] = socket
                let result = harness.mino(["run", "--", "python3", "agent.py"])
                #expect(result.succeeded, "\(result)")
                #expect(result.stderr.contains("the SSH agent at `\(socket)` is not forwarded"), "\(result)")
                let lines = (harness.projectFile("agent.out") ?? "").split(separator: "\n").map(String.init)
                #expect(lines.contains("sock="), "\(lines)")
            }
        }
    }
}
