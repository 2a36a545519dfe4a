import Diagnostics
import EgressPolicy
import PolicyModel
import Testing

@Suite struct DecisionRecordTests {
    static func address(_ text: String) -> IPAddress {
        guard let address = IPAddress(text) else { preconditionFailure("bad fixture \(text)") }
        return address
    }

    static let origin: Origin = {
        let source = SourceFile(path: ".mino.toml", text: "[container]\nnetwork_allow = [\"*.x.test:443\"]\n")
        return .file(FileSpan(file: source, span: SourceSpan(start: 29, end: 43)))
    }()

    static let allowed = DecisionRecord.dns(
        .init(
            time: "2026-01-02T03:04:05Z", name: "a.x.test", type: "A", transport: .udp, decision: .allow,
            rule: NetworkRule(host: .wildcard("x.test"), port: 443, origin: origin),
            answers: [address("192.0.2.1"), address("2001:db8::1")],
            pinned: [
                .init(address: address("192.0.2.1"), port: 443), .init(address: address("2001:db8::1"), port: 443),
            ],
            ttl: 70))

    static let records: [DecisionRecord] = [
        allowed,
        .dns(
            .init(
                time: "2026-01-02T03:04:06Z", name: "evil.test", type: "TXT", transport: .tcp, decision: .deny,
                reason: .noRule)),
        .dns(
            .init(
                time: "2026-01-02T03:04:07Z", name: "a.x.test", type: "AAAA", transport: .udp, decision: .deny,
                reason: .rebinding(.linkLocal), answers: [address("fe80::1")])),
        .dns(
            .init(
                time: "2026-01-02T03:04:08Z", name: "a.x.test", type: "TXT", transport: .udp, decision: .deny,
                reason: .typeNotAllowed)),
        .dns(
            .init(
                time: "2026-01-02T03:04:09Z", name: "a.x.test", type: "A", transport: .udp, decision: .deny,
                reason: .upstreamFailed)),
        .dns(
            .init(
                time: "2026-01-02T03:04:09Z", name: "we\"ird\n\u{7}.test", type: "TYPE65", transport: .udp,
                decision: .deny, reason: .other("future-reason"))),
        .connection(
            .init(time: "2026-01-02T03:05:00Z", destination: "192.0.2.1", port: 443, protocolName: "tcp", count: 3)),
        .connection(
            .init(time: "2026-01-02T03:05:01Z", destination: "203.0.113.9", port: nil, protocolName: "icmp", count: 1)),
        .session(.init(time: "2026-01-02T03:00:00Z", event: .start, session: "review")),
        .session(.init(time: "2026-01-02T04:00:00Z", event: .end, session: "review")),
    ]

    @Test(arguments: records)
    func everyRecordRoundTripsThroughOneLine(_ record: DecisionRecord) throws {
        let line = record.jsonLine
        #expect(!line.contains("\n"))
        #expect(try DecisionRecord(jsonLine: line) == record)
        #expect(try DecisionRecord(jsonLine: line + "\n") == record)
    }

    @Test func aDNSLineHasSortedKeysAndTheRuleAsWritten() {
        #expect(
            Self.allowed.jsonLine
                == #"{"answers":["192.0.2.1","2001:db8::1"],"decision":"allow","kind":"dns","name":"a.x.test","#
                + #""origin":".mino.toml:2:18","pinned":["192.0.2.1:443","[2001:db8::1]:443"],"rule":"*.x.test:443","#
                + #""time":"2026-01-02T03:04:05Z","transport":"udp","ttl":70,"type":"A"}"#)
    }

    @Test func reasonsSpellLikeTheLog() {
        #expect(DecisionRecord.Reason.rebinding(.loopback).description == "rebinding:loopback")
        #expect(DecisionRecord.Reason("rebinding:metadata") == .rebinding(.metadata))
        #expect(DecisionRecord.Reason("rebinding:nonsense") == .other("rebinding:nonsense"))
        for reason in [DecisionRecord.Reason.noRule, .typeNotAllowed, .upstreamFailed, .malformed] {
            #expect(DecisionRecord.Reason(reason.description) == reason)
        }
    }

    @Test func unknownKeysAreSkipped() throws {
        let line = #"{"kind":"session","time":"t","event":"start","session":"s","future":{"a":[1,2.5e3,null,true]}}"#
        #expect(try DecisionRecord(jsonLine: line) == .session(.init(time: "t", event: .start, session: "s")))
        let escaped = #"{"kind":"session","time":"\u0074","event":"end","session":"\ud83d\ude00\/"}"#
        #expect(try DecisionRecord(jsonLine: escaped) == .session(.init(time: "t", event: .end, session: "😀/")))
    }

    @Test(arguments: [
        "", " ", "not json", "[]", "null", "{", "{}", #"{"kind":"dns"}"#, #"{"kind":"alien","time":"t"}"#,
        #"{"kind":"session","time":"t","event":"pause","session":"s"}"#,
        #"{"kind":"session","time":1,"event":"start","session":"s"}"#,
        #"{"kind":"connection","time":"t","destination":"d","protocol":"tcp"}"#,
        #"{"kind":"connection","time":"t","destination":"d","protocol":"tcp","count":-1}"#,
        #"{"kind":"connection","time":"t","destination":"d","protocol":"tcp","count":1,"port":70000}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"sctp","decision":"allow"}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"udp","decision":"maybe"}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"udp","decision":"allow","answers":["x"]}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"udp","decision":"allow","pinned":["1.2.3.4"]}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"udp","decision":"allow","ttl":1.5}"#,
        #"{"kind":"dns","time":"t","name":"n","type":"A","transport":"udp","decision":"allow","answers":"1.2.3.4"}"#,
        #"{"kind":"session","kind":"session"}"#, #"{"kind":"session"} x"#, #"{"a":01}"#, #"{"a":"\x"}"#,
        #"{"a":"\ud800"}"#, "{\"a\":\"\u{1}\"}", #"{"a":tru}"#, #"{"a":1.}"#, #"{"a":[1,]}"#, #"{"a" 1}"#,
    ])
    func malformedLinesAreRefusedWithAMessage(_ line: String) {
        do {
            let record = try DecisionRecord(jsonLine: line)
            Issue.record("decoded \(line) as \(record)")
        } catch {
            #expect(!error.message.isEmpty)
        }
    }

    @Test func hostileLinesNeverCrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: DecisionRecord.DecodingError.self) { try DecisionRecord(jsonLine: deep) }
        let long = #"{"kind":"session","time":""# + String(repeating: "x", count: 70_000) + #""}"#
        #expect(throws: DecisionRecord.DecodingError.self) { try DecisionRecord(jsonLine: long) }
        let invalidUTF8 = String(decoding: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], as: UTF8.self)
        #expect(throws: DecisionRecord.DecodingError.self) { try DecisionRecord(jsonLine: invalidUTF8) }
    }

    @Test func pinsParseOnlyTheirOwnForm() {
        #expect(DecisionRecord.Pinned("192.0.2.1:443")?.description == "192.0.2.1:443")
        #expect(DecisionRecord.Pinned("[2001:db8::1]:443")?.description == "[2001:db8::1]:443")
        for text in ["192.0.2.1", "2001:db8::1:443", "[192.0.2.1]:443", "192.0.2.1:0", "192.0.2.1:+1", "[::1]"] {
            #expect(DecisionRecord.Pinned(text) == nil, "\(text)")
        }
    }
}
