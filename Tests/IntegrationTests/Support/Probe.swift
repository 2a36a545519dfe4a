import Foundation
import Testing

/// The network probe the agent runs (`python3 probe.py SPEC…`, written into every test project)
/// and the listeners it talks to. Every probe prints one line: `SPEC OK <what came back>` or
/// `SPEC BLOCKED <exception>`. An `OK` needs the listener's own reply (`HELLO <tag> …`), so a
/// connection to something else never counts as reaching the target.
enum Probe {
    /// Specs: `tcp,HOST,PORT`, `udp,HOST,PORT` (a datagram, waits for the reply), `icmp,HOST`
    /// (an ICMP datagram socket echo request, no NET_RAW needed), `resolve,NAME`, `tcp,GATEWAY,PORT`
    /// (the default route's gateway), `connect,HOST,PORT` (a TCP connection is established;
    /// nothing need come back),
    /// `until,SECONDS,tcp,HOST,PORT` (retries until it works), `touch,FILE`,
    /// `wait,FILE,SECONDS` (until the host creates FILE), `sh,COMMAND` (exit status of a shell
    /// command, OK when 0), `dns,udp|tcp,TYPE,NAME[,SERVER[,PORT]]` (one raw DNS query, to
    /// 127.0.0.1:53 unless SERVER (or `GATEWAY`) is given: OK with `rcode=NAME answer…` whenever a
    /// reply with the query's id comes back, whatever its rcode; BLOCKED when none does).
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

        def connect(host, port):
            host = gateway() if host == "GATEWAY" else host
            with socket.socket(family(host), socket.SOCK_STREAM) as s:
                s.settimeout(3)
                s.connect((host, int(port)))
                return "connected"

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

        DNS_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "NULL": 10, "MX": 15, "TXT": 16, "AAAA": 28, "ANY": 255}
        RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}

        def dns_name(message, offset):
            labels, jumps, end = [], 0, None
            while True:
                length = message[offset]
                if length & 0xC0 == 0xC0:
                    jumps += 1
                    if jumps > 16:
                        raise ValueError("compression loop")
                    if end is None:
                        end = offset + 2
                    offset = ((length & 0x3F) << 8) | message[offset + 1]
                    continue
                offset += 1
                if length == 0:
                    return ".".join(labels), (offset if end is None else end)
                labels.append(message[offset:offset + length].decode("ascii", "replace"))
                offset += length

        def dns(transport, qtype, name, server="127.0.0.1", port="53"):
            import random, struct
            server = gateway() if server == "GATEWAY" else server
            number = DNS_TYPES[qtype]
            question = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
            query = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
            query += question + struct.pack(">HH", number, 1)
            with socket.socket(family(server), socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM) as s:
                s.settimeout(3)
                s.connect((server, int(port)))
                if transport == "tcp":
                    s.sendall(struct.pack(">H", len(query)) + query)
                    data = b""
                    while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
                        chunk = s.recv(4096)
                        if not chunk:
                            raise ConnectionError("closed after %d bytes" % len(data))
                        data += chunk
                    reply = data[2:]
                else:
                    s.send(query)
                    reply = s.recv(4096)
                    while reply[:2] != query[:2]:
                        reply = s.recv(4096)
            if reply[:2] != query[:2] or not reply[2] & 0x80:
                raise ConnectionError("not a reply to the query")
            count = struct.unpack(">H", reply[6:8])[0]
            offset = dns_name(reply, 12)[1] + 4 if struct.unpack(">H", reply[4:6])[0] else 12
            answers = []
            for _ in range(count):
                owner, offset = dns_name(reply, offset)
                rtype, _, ttl, length = struct.unpack(">HHIH", reply[offset:offset + 10])
                data = reply[offset + 10:offset + 10 + length]
                if rtype == 1:
                    answers.append(socket.inet_ntop(socket.AF_INET, data))
                elif rtype == 28:
                    answers.append(socket.inet_ntop(socket.AF_INET6, data))
                elif rtype == 5:
                    answers.append("cname:" + dns_name(reply, offset + 10)[0])
                elif rtype == 16:
                    answers.append("txt:" + data[1:1 + data[0]].decode("ascii", "replace"))
                else:
                    answers.append("type%d" % rtype)
                offset += 10 + length
            return " ".join(["rcode=" + RCODES.get(reply[3] & 15, str(reply[3] & 15))] + answers)

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
