import Foundation
import Testing

extension Integration.PolicyDNS {
    /// The agent's load generator: `python3 dnsload.py RATE SECONDS ALLOWED EXPECTED`. It sends
    /// RATE queries a second for SECONDS over one UDP socket to mino's resolver: every tenth asks
    /// ALLOWED, the rest a fresh name outside the policy (a flood of denied names). Nothing is
    /// retried. A receiver matches replies by id; 3 s after the last query it prints one line,
    /// `LOAD key=value…`: how many were sent and answered of each kind, how many allowed answers
    /// held EXPECTED, the latency percentiles in milliseconds, and when (seconds after the start)
    /// the first queries that got no answer, or one slower than 100 ms, were sent.
    static let loadScript = #"""
        import random, socket, struct, sys, threading, time
        rate, seconds, allowed, expected = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.connect(("127.0.0.1", 53))
        def query(qid, name):
            labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split("."))
            return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">HH", 1, 1)
        sent, replies, lock, done = {}, {}, threading.Lock(), threading.Event()
        marker = socket.inet_aton(expected)
        def receive():
            s.settimeout(0.2)
            while not done.is_set():
                try:
                    reply = s.recv(4096)
                except socket.timeout:
                    continue
                except OSError:
                    continue
                now = time.monotonic()
                qid = struct.unpack(">H", reply[:2])[0]
                with lock:
                    if qid in sent and qid not in replies:
                        replies[qid] = (now, reply[3] & 15, marker in reply)
        receiver = threading.Thread(target=receive, daemon=True)
        receiver.start()
        total = int(rate * seconds)
        ids = random.sample(range(65536), total) if total <= 65536 else None
        start = time.monotonic()
        late = 0
        for index in range(total):
            due = start + index / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            elif pause < -0.05:
                late += 1
            kind = "allowed" if index % 10 == 0 else "denied"
            name = allowed if kind == "allowed" else "f%x-%d.flood.test" % (random.getrandbits(48), index)
            qid = ids[index]
            with lock:
                sent[qid] = (time.monotonic(), kind)
            try:
                s.send(query(qid, name))
            except OSError:
                pass
        elapsed = time.monotonic() - start
        time.sleep(3)
        done.set()
        receiver.join()
        result = {"elapsed": round(elapsed, 2), "late": late}  # the image's python3 has no json
        for kind in ("allowed", "denied"):
            mine = [qid for qid, (_, k) in sent.items() if k == kind]
            answered = [qid for qid in mine if qid in replies]
            latencies = sorted((replies[q][0] - sent[q][0]) * 1000 for q in answered)
            def percentile(p):
                return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2) if latencies else None
            result[kind + ".sent"] = len(mine)
            result[kind + ".answered"] = len(answered)
            result[kind + ".noerror"] = sum(1 for q in answered if replies[q][1] == 0)
            result[kind + ".refused"] = sum(1 for q in answered if replies[q][1] == 5)
            result[kind + ".expected"] = sum(1 for q in answered if replies[q][2])
            for name, p in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
                result[kind + "." + name] = percentile(p)
            lost = sorted(round(sent[q][0] - start, 2) for q in mine if q not in replies)
            result[kind + ".lost_at"] = ",".join(str(t) for t in lost[:10]) or "-"
            slow = sorted(round(sent[q][0] - start, 2) for q in answered if replies[q][0] - sent[q][0] > 0.1)
            result[kind + ".slow_at"] = ",".join(str(t) for t in slow[:10]) or "-"
        print("LOAD " + " ".join("%s=%s" % item for item in sorted(result.items())), flush=True)
        """#

    /// Load: 1,000 queries a second for 10 s from inside a session, nine in ten of them a flood
    /// of denied names: every allowed query is answered with its address (none lost, no retry),
    /// every denied one is refused, and the flood reaches the upstream not once. The latency
    /// percentiles are printed (the p99 of allowed answers must stay under a generous 1 s, so
    /// a flood that starves allowed names fails).
    @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
    func loadLosesNoAllowedAnswer(_ identity: Identity) throws {
        let (harness, canary, _) = try Self.session(identity)
        defer { withExtendedLifetime(canary) {} }
        try harness.writeProject("dnsload.py", Self.loadScript)
        let ten = TestNet.addresses[0]
        let name = harness.name("load")
        let result = harness.run(
            ["-n", name] + Self.fenced(), ["python3", "dnsload.py", "1000", "10", "api.allowed.test", ten],
            timeout: 120)
        #expect(result.succeeded, "\(result)")
        let line = try #require(result.lines.last { $0.hasPrefix("LOAD ") }, "no result: \(result)")
        let log = harness.state + "/mino/sessions/\(name).decisions.jsonl"
        let bytes = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? -1
        print("policy DNS load (\(identity)): \(line) decision_log_bytes=\(bytes)")
        var values: [String: Double] = [:]
        for pair in line.dropFirst(5).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, let value = Double(parts[1]) { values[parts[0]] = value }
        }
        func number(_ key: String) -> Double { values[key] ?? -1 }
        #expect(number("allowed.sent") == 1000 && number("denied.sent") == 9000, "\(line)")
        #expect(number("allowed.answered") == 1000, "allowed queries lost: \(line)")
        #expect(number("allowed.expected") == 1000, "allowed answers without their address: \(line)")
        #expect(number("denied.refused") == 9000, "denied queries not refused: \(line)")
        #expect(number("allowed.p99") >= 0 && number("allowed.p99") < 1000, "allowed p99: \(line)")
        // The generator kept its rate (else the check proved less than it claims).
        #expect(number("elapsed") >= 0 && number("elapsed") < 12, "the generator fell behind: \(line)")
        #expect(!canary.saw("flood.test"), "a denied name reached the upstream")
        let upstream = canary.queries.filter { $0.name == "api.allowed.test" }.count
        #expect(upstream >= 1, "control: the allowed name never reached the upstream")
    }
}
