import Foundation
import Testing

/// A DNS server the test controls (python3, UDP and TCP on one port), run as root on the host's
/// loopback (the upstream of mino's resolver: `network.dns_servers`) or inside a `TestNet`
/// namespace (a resolver the agent must not reach). It logs every query it receives (name, type,
/// transport) and answers from a table the test sets and may change while a session runs: A,
/// AAAA, TXT and CNAME records with their TTLs; names not in the table get NXDOMAIN.
final class DNSCanary {
    /// One record of the table.
    struct Record {
        let type: String
        let value: String
        let ttl: Int

        static func a(_ address: String, ttl: Int = 60) -> Record { Record(type: "A", value: address, ttl: ttl) }
        static func aaaa(_ address: String, ttl: Int = 60) -> Record { Record(type: "AAAA", value: address, ttl: ttl) }
        static func txt(_ text: String, ttl: Int = 60) -> Record { Record(type: "TXT", value: text, ttl: ttl) }
        static func cname(_ target: String, ttl: Int = 60) -> Record { Record(type: "CNAME", value: target, ttl: ttl) }
    }

    /// One query the canary received.
    struct Query: CustomStringConvertible {
        let name: String
        let type: String
        let transport: String
        var description: String { "\(name) \(type) (\(transport))" }
    }

    static let script = #"""
        import json, os, socket, struct, sys, threading
        table_path, log_path, port_path, address, wanted = sys.argv[1:6]
        TYPES = {1: "A", 2: "NS", 5: "CNAME", 10: "NULL", 15: "MX", 16: "TXT", 28: "AAAA", 255: "ANY"}
        lock = threading.Lock()

        def encode(name):
            return b"".join(bytes([len(l)]) + l.encode() for l in name.strip(".").split(".") if l) + b"\0"

        def record(owner, rtype, ttl, data):
            return encode(owner) + struct.pack(">HHIH", rtype, 1, ttl, len(data)) + data

        def answer(query, transport):
            if len(query) < 17:
                return None
            qid, flags = struct.unpack(">HH", query[:4])
            labels, offset = [], 12
            while query[offset] != 0:
                length = query[offset]
                if length & 0xC0:
                    return None
                labels.append(query[offset + 1:offset + 1 + length].decode("ascii", "replace"))
                offset += 1 + length
            end = offset + 5
            qtype = struct.unpack(">H", query[offset + 1:offset + 3])[0]
            name = ".".join(labels)
            kind = TYPES.get(qtype, "TYPE%d" % qtype)
            with lock:
                with open(log_path, "a") as log:
                    log.write(json.dumps({"name": name, "type": kind, "transport": transport}) + "\n")
            try:
                with open(table_path) as f:
                    table = json.load(f)
            except Exception:
                table = {}
            records, rcode, current = [], 3, name.lower().rstrip(".")
            for _ in range(8):
                entry = table.get(current)
                if entry is None:
                    break
                rcode = 0
                if "CNAME" in entry and kind != "CNAME":
                    target, ttl = entry["CNAME"][0]
                    records.append(record(current, 5, ttl, encode(target)))
                    current = target.lower().rstrip(".")
                    continue
                for value, ttl in entry.get(kind, []):
                    if kind == "A":
                        data = socket.inet_pton(socket.AF_INET, value)
                    elif kind == "AAAA":
                        data = socket.inet_pton(socket.AF_INET6, value)
                    elif kind == "TXT":
                        data = bytes([len(value)]) + value.encode()
                    else:
                        data = encode(value)
                    records.append(record(current, qtype, ttl, data))
                break
            header = struct.pack(">HHHHHH", qid, 0x8480 | (flags & 0x0100) | rcode, 1, len(records), 0, 0)
            return header + query[12:end] + b"".join(records)

        def serve_udp(s):
            while True:
                query, peer = s.recvfrom(4096)
                try:
                    reply = answer(query, "udp")
                except Exception:
                    reply = None
                if reply:
                    s.sendto(reply, peer)

        def serve_connection(c):
            with c:
                c.settimeout(10)
                try:
                    while True:
                        data = b""
                        while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
                            chunk = c.recv(4096)
                            if not chunk:
                                return
                            data += chunk
                        reply = answer(data[2:2 + struct.unpack(">H", data[:2])[0]], "tcp")
                        if not reply:
                            return
                        c.sendall(struct.pack(">H", len(reply)) + reply)
                except OSError:
                    return

        def serve_tcp(s):
            while True:
                c, _ = s.accept()
                threading.Thread(target=serve_connection, args=(c,), daemon=True).start()

        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        for attempt in range(50):
            udp = socket.socket(family, socket.SOCK_DGRAM)
            udp.bind((address, int(wanted)))
            port = udp.getsockname()[1]
            tcp = socket.socket(family, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind((address, port))
                break
            except OSError:
                udp.close()
                tcp.close()
                if int(wanted):
                    raise
        tcp.listen(64)
        threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
        threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
        with open(port_path + ".tmp", "w") as f:
            f.write(str(port))
        os.rename(port_path + ".tmp", port_path)
        threading.Event().wait()
        """#

    let address: String
    let port: Int
    private let directory: String
    private let process: Background
    private var tablePath: String { directory + "/table.json" }
    private var logPath: String { directory + "/queries.jsonl" }

    /// `host:port` for `network.dns_servers`.
    var endpoint: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

    /// Starts a canary on `address` (port 0: a free one), inside `namespace` when given.
    init(address: String = "127.0.0.1", port: Int = 0, namespace: String? = nil, records: [String: [Record]] = [:])
        throws
    {
        self.address = address
        directory = NSTemporaryDirectory() + "mino-it-canary-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let portPath = directory + "/port"
        _ = FileManager.default.createFile(atPath: directory + "/queries.jsonl", contents: Data())
        try Self.write(records, to: directory + "/table.json")
        let prefix = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0] } ?? []
        let process = try Background(
            prefix + [
                "/usr/bin/python3", "-c", Self.script, directory + "/table.json", directory + "/queries.jsonl",
                portPath, address, String(port),
            ],
            environment: ["PATH": Command.path], directory: "/")
        var bound = 0
        _ = Command.poll(timeout: 10) {
            bound = Int((try? String(contentsOfFile: portPath, encoding: .utf8)) ?? "") ?? 0
            return bound > 0 || !process.isRunning
        }
        guard bound > 0 else {
            let result = process.wait(timeout: 1)
            try? FileManager.default.removeItem(atPath: directory)
            throw HarnessError("the DNS canary on \(address) did not start: \(result)")
        }
        self.process = process
        self.port = bound
    }

    /// Replaces the table (atomically: a query sees the old or the new one).
    func set(_ records: [String: [Record]]) throws {
        try Self.write(records, to: tablePath)
    }

    private static func write(_ records: [String: [Record]], to path: String) throws {
        var table: [String: [String: [[Any]]]] = [:]
        for (name, list) in records {
            for record in list {
                table[name.lowercased(), default: [:]][record.type, default: []].append([record.value, record.ttl])
            }
        }
        let data = try JSONSerialization.data(withJSONObject: table, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Every query received so far, in order.
    var queries: [Query] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                let name = object["name"], let type = object["type"], let transport = object["transport"]
            else { return nil }
            return Query(name: name.lowercased(), type: type, transport: transport)
        }
    }

    /// Whether any query received so far contains `text` (case-insensitive) anywhere in its name.
    func saw(_ text: String) -> Bool {
        let needle = text.lowercased()
        return queries.contains { $0.name.contains(needle) }
    }

    /// Forgets the queries received so far.
    func clearLog() {
        _ = FileManager.default.createFile(atPath: logPath, contents: Data())
    }

    /// Whether the canary answers a query from the host (a control for the canary itself).
    func answersFromHost() -> Bool {
        let script = """
            import socket, struct
            q = struct.pack(">HHHHHH", 4660, 256, 1, 0, 0, 0) + b"\\x05probe\\x04test\\x00" + struct.pack(">HH", 1, 1)
            s = socket.socket(socket.AF_INET6 if ":" in "\(address)" else socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(3)
            s.sendto(q, ("\(address)", \(port)))
            print("ANSWERED" if s.recv(4096)[:2] == q[:2] else "OTHER")
            """
        return Command.run(["/usr/bin/python3", "-c", script], timeout: 10).stdout.contains("ANSWERED")
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.wait(timeout: 5)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension ProbeReport {
    /// The `dns` probe `spec` got a reply with `rcode`, holding every string of `answers`.
    func answered(
        _ spec: String, rcode: String, _ answers: [String], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let outcome = outcomes[spec] else {
            Issue.record("\(what): probe `\(spec)` did not run\n\(result)", sourceLocation: sourceLocation)
            return
        }
        let words = outcome.detail.split(separator: " ").map(String.init)
        #expect(
            outcome.ok && words.first == "rcode=" + rcode,
            "\(what): `\(spec)` should get \(rcode): \(outcome.detail)", sourceLocation: sourceLocation)
        for answer in answers {
            #expect(
                words.contains(answer), "\(what): `\(spec)` should answer \(answer): \(outcome.detail)",
                sourceLocation: sourceLocation)
        }
    }

    /// The `dns` probe `spec` got a reply with `rcode`.
    func answered(_ spec: String, rcode: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        answered(spec, rcode: rcode, [], what, sourceLocation: sourceLocation)
    }

    /// The `dns` (or `resolve`) probe `spec` got no reply at all: refused, reset, unreachable,
    /// closed or timed out, never a failure of the probe itself (a parsing error, say).
    func noAnswer(_ spec: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        blocked(spec, what, sourceLocation: sourceLocation)
        guard let outcome = outcomes[spec], !outcome.ok else { return }
        let kind = outcome.detail.split(separator: " ").first.map(String.init) ?? ""
        let network = [
            "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError", "ConnectionError",
            "BrokenPipeError", "TimeoutError", "OSError", "gaierror", "PermissionError",
        ]
        #expect(
            network.contains(kind), "\(what): `\(spec)` failed in the probe, not on the network: \(outcome.detail)",
            sourceLocation: sourceLocation)
    }

    /// The addresses (and other answers) the `dns` probe `spec` got, empty when it got none.
    func answers(_ spec: String) -> [String] {
        guard let outcome = outcomes[spec], outcome.ok else { return [] }
        return Array(outcome.detail.split(separator: " ").dropFirst().map(String.init))
    }
}
