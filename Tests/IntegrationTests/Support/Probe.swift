import Foundation
import Testing

/// The network probe the agent runs (`python3 probe.py SPEC…`, written into every test project)
/// and the listeners it talks to. Every probe prints one line: `SPEC OK <what came back>` or
/// `SPEC BLOCKED <exception>`. An `OK` needs the listener's own reply (`HELLO <tag> …`), so a
/// connection to something else never counts as reaching the target.
enum Probe {
    /// Specs: `tcp,HOST,PORT`, `udp,HOST,PORT` (a datagram, waits for the reply), `icmp,HOST`
    /// (an ICMP datagram socket echo request, no NET_RAW needed), `resolve,NAME`, `tcp,GATEWAY,PORT`
    /// (the default route's gateway),
    /// `until,SECONDS,tcp,HOST,PORT` (retries until it works), `touch,FILE`,
    /// `wait,FILE,SECONDS` (until the host creates FILE), `sh,COMMAND` (exit status of a shell
    /// command, OK when 0).
    static let script = #"""
        import os, socket, subprocess, sys, time

        def family(host):
            return socket.AF_INET6 if ":" in host else socket.AF_INET

        def gateway():
            for line in open("/proc/net/route").read().splitlines()[1:]:
                fields = line.split()
                if fields[1] == "00000000":
                    return socket.inet_ntoa(bytes.fromhex(fields[2])[::-1])
            raise OSError("no default route")

        def tcp(host, port):
            host = gateway() if host == "GATEWAY" else host
            with socket.socket(family(host), socket.SOCK_STREAM) as s:
                s.settimeout(3)
                s.connect((host, int(port)))
                data = s.recv(200).decode().strip()
                if not data.startswith("HELLO"):
                    raise ConnectionError("no greeting: %r" % data)
                return data

        def udp(host, port):
            with socket.socket(family(host), socket.SOCK_DGRAM) as s:
                s.settimeout(3)
                s.connect((host, int(port)))
                s.send(b"ping")
                return s.recv(200).decode().strip()

        def icmp(host):
            v6 = family(host) == socket.AF_INET6
            proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
            with socket.socket(family(host), socket.SOCK_DGRAM, proto) as s:
                s.settimeout(3)
                s.connect((host, 0))
                s.send(bytes([128 if v6 else 8, 0, 0, 0, 0, 0, 0, 1]) + b"mino")
                reply = s.recv(200)
                if reply[0] != (129 if v6 else 0):
                    raise ConnectionError("icmp type %d" % reply[0])
                return "echo reply"

        def resolve(name):
            found = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
            return " ".join(sorted({entry[4][0] for entry in found}))

        def until(seconds, kind, *args):
            deadline = time.time() + float(seconds)
            while True:
                try:
                    return globals()[kind](*args)
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.3)

        def touch(path):
            open(path, "w").close()
            return path

        def wait(path, seconds):
            deadline = time.time() + float(seconds)
            while not os.path.exists(path):
                if time.time() > deadline:
                    raise TimeoutError(path)
                time.sleep(0.1)
            return path

        def sh(command):
            status = subprocess.run(["sh", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            if status != 0:
                raise PermissionError("exit %d" % status)
            return "exit 0"

        for spec in sys.argv[1:]:
            kind, *args = spec.split(",", 1 if spec.startswith("sh,") else -1)
            try:
                print(spec, "OK", globals()[kind](*args), flush=True)
            except Exception as error:
                print(spec, "BLOCKED", type(error).__name__, str(error).replace("\n", " ")[:100], flush=True)
        """#

    /// The outcome of each spec in the probe's output (specs of one run must differ).
    static func outcomes(_ output: String) -> [String: (ok: Bool, detail: String)] {
        var outcomes = [String: (ok: Bool, detail: String)]()
        for line in output.split(separator: "\n") {
            for marker in [" OK ", " BLOCKED "] {
                if let range = line.range(of: marker) {
                    outcomes[String(line[..<range.lowerBound])] = (
                        marker == " OK ", String(line[range.upperBound...])
                    )
                    break
                }
            }
        }
        return outcomes
    }
}

/// Expectations on probe outcomes: every spec must appear; `reached` needs `OK` (and the
/// listener's tag when given), `blocked` needs `BLOCKED`.
struct ProbeReport {
    let result: CommandResult
    let outcomes: [String: (ok: Bool, detail: String)]

    init(_ result: CommandResult) {
        self.result = result
        outcomes = Probe.outcomes(result.stdout)
    }

    func reached(_ spec: String, tag: String? = nil, _ what: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        guard let outcome = outcomes[spec] else {
            Issue.record("\(what): probe `\(spec)` did not run\n\(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(outcome.ok, "\(what): `\(spec)` should be reachable: \(outcome.detail)", sourceLocation: sourceLocation)
        if let tag {
            #expect(
                outcome.detail.contains(tag), "\(what): `\(spec)` answered by the wrong peer: \(outcome.detail)",
                sourceLocation: sourceLocation)
        }
    }

    func blocked(_ spec: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let outcome = outcomes[spec] else {
            Issue.record("\(what): probe `\(spec)` did not run\n\(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(!outcome.ok, "\(what): `\(spec)` should be blocked: \(outcome.detail)", sourceLocation: sourceLocation)
    }
}
