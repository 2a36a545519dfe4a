import Foundation
import PolicyModel
import SessionPlanning
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// The DNS refresh of a fence loaded from the host: re-rendered from the structured rules in
/// the session record and loaded with the plan's own two loads, the recorded pid in place of
/// `${container.pid}`. The refresher resolves with the real resolver, so the allowed name is
/// `localhost` (answered from the hosts file) and the recorded addresses are made up; every
/// wait is bounded by a deadline of at most five seconds.
@Suite struct FenceRefreshTests {
    static let pid: Int32 = 4321
    static let loads = [
        [
            "podman", "unshare", "/usr/bin/nsenter", "--target", SessionStep.Placeholder.containerPID, "--net",
            "/usr/sbin/iptables-restore",
        ],
        [
            "podman", "unshare", "/usr/bin/nsenter", "--target", SessionStep.Placeholder.containerPID, "--net",
            "/usr/sbin/ip6tables-restore",
        ],
    ]
    static let rules = [
        NetworkRule(host: .name("localhost"), port: 443, origin: .builtin),
        NetworkRule(host: .ipv4("140.82.112.3"), port: 22, origin: .builtin),
    ]
    /// An address `localhost` never resolves to (TEST-NET-1).
    static let stale = "192.0.2.7"

    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory()
    }

    var environment: [String: String] {
        [
            "HOME": home.path, "XDG_STATE_HOME": home.path + "/state", "PATH": "/usr/bin:/bin",
            "MINO_DNS_REFRESH_SECONDS": "1",
        ]
    }

    func executor(_ runner: RecordingCommandRunner) throws -> Executor {
        try Executor(context: CommandContext(arguments: [], environment: environment, commandRunner: runner))
    }

    /// The record `mino run` leaves once both tables are in.
    static func record(_ change: (inout SessionRecord) -> Void = { _ in }) -> SessionRecord {
        var record = SessionRecord(
            name: "fenced", projectDirectory: "/work/project", command: ["true"], containerName: "mino-fenced",
            image: "docker.io/library/alpine:latest", network: "allowlist(localhost:443,140.82.112.3:22)",
            detached: false, homeVolume: nil, wrapper: false, shell: "/bin/sh", user: "1000:1000", now: Date())
        record.status = .running
        record.fenceRules = rules
        record.fenceLoads = loads
        record.fencePID = pid
        record.resolvers = ["10.88.0.1"]
        change(&record)
        return record
    }

    static func facts(localhost: [String]) -> HostFacts {
        ExecutorHarness.facts { $0.resolvedAddresses = ["localhost": localhost] }
    }

    /// Waits until `condition` holds or `seconds` pass; returns whether it held.
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    static func input(_ invocation: RecordingCommandRunner.Invocation) -> String {
        if case .bytes(let bytes) = invocation.spec.input { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    // MARK: - Reloads

    @Test func changedAddressesReloadBothTablesWithTheRecordedPID() throws {
        let current = HostFactsProbe.resolve("localhost")
        try #require(current.contains("127.0.0.1"), "localhost does not resolve to 127.0.0.1 here: \(current)")
        let runner = RecordingCommandRunner()
        let executor = try executor(runner)
        let audit = executor.audit()
        let refresher = try #require(
            FenceRefresh.refresher(
                record: Self.record(), facts: Self.facts(localhost: [Self.stale]), executor: executor, audit: audit))
        refresher.start()
        let loaded = Self.eventually(within: 5) { runner.invocations.count >= 2 }
        refresher.stop()
        try #require(loaded, "no reload within 5 s")

        let expected = Self.loads.map { PlanExecution.filled($0, [SessionStep.Placeholder.containerPID: "4321"]) }
        let first = Array(runner.invocations.prefix(2))
        #expect(first.map(\.argv) == expected)
        #expect(first.allSatisfy { $0.method == .run(timeout: .seconds(60)) })
        let ipv4 = Self.input(first[0])
        let ipv6 = Self.input(first[1])
        #expect(ipv4.contains("-A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 443 -j ACCEPT"), "\(ipv4)")
        #expect(!ipv4.contains(Self.stale))
        // The rest of the recorded policy is rendered again too: the literal and the resolvers.
        #expect(ipv4.contains("-A OUTPUT -d 140.82.112.3/32 -p tcp -m tcp --dport 22 -j ACCEPT"), "\(ipv4)")
        #expect(ipv4.contains("-A OUTPUT -d 10.88.0.1/32 -p udp -m udp --dport 53 -j ACCEPT"), "\(ipv4)")
        #expect(ipv4.contains("*filter") && ipv4.contains("COMMIT"))
        #expect(ipv6.contains("IPv6 table"), "\(ipv6)")
        #expect(!ipv6.contains(Self.stale))

        let events = try String(contentsOfFile: executor.state.file("audit.log"), encoding: .utf8)
        #expect(events.contains("\"network.fence.refreshed\""))
        #expect(events.contains("127.0.0.1"))
    }

    @Test func stoppedRefresherLoadsNothingMore() throws {
        let runner = RecordingCommandRunner()
        let executor = try executor(runner)
        let refresher = try #require(
            FenceRefresh.refresher(
                record: Self.record(), facts: Self.facts(localhost: [Self.stale]), executor: executor,
                audit: executor.audit()))
        refresher.start()
        refresher.stop()
        Thread.sleep(forTimeInterval: 1.5)
        #expect(runner.invocations.isEmpty)
    }

    @Test func unchangedAddressesLoadNothing() throws {
        // Control for the reload above: the recorded addresses are what the name resolves to.
        let current = HostFactsProbe.resolve("localhost")
        try #require(!current.isEmpty)
        let runner = RecordingCommandRunner()
        let executor = try executor(runner)
        let refresher = try #require(
            FenceRefresh.refresher(
                record: Self.record(), facts: Self.facts(localhost: current), executor: executor,
                audit: executor.audit()))
        refresher.start()
        let loaded = Self.eventually(within: 2.5) { !runner.invocations.isEmpty }
        refresher.stop()
        #expect(!loaded, "\(runner.invocations.map(\.argv))")
    }

    @Test func aFailedReloadIsReportedAndTriedAgain() throws {
        let runner = RecordingCommandRunner { _ in
            .success(ProcessResult(status: .exited(1), error: Array("iptables-restore: no permission\n".utf8)))
        }
        let executor = try executor(runner)
        let refresher = try #require(
            FenceRefresh.refresher(
                record: Self.record(), facts: Self.facts(localhost: [Self.stale]), executor: executor,
                audit: executor.audit()))
        refresher.start()
        // The IPv4 load fails, so the IPv6 one is not tried; the next interval tries again.
        let retried = Self.eventually(within: 5) { runner.invocations.count >= 2 }
        refresher.stop()
        #expect(retried, "\(runner.invocations.count) attempt(s)")
        #expect(runner.invocations.allSatisfy { $0.argv.last == "/usr/sbin/iptables-restore" })
        let events = (try? String(contentsOfFile: executor.state.file("audit.log"), encoding: .utf8)) ?? ""
        #expect(events.contains("\"network.fence.refresh-failed\""))
        #expect(!events.contains("\"network.fence.refreshed\""))
    }

    // MARK: - No refresher

    @Test func aCompleteRecordGivesARefresher() throws {
        let executor = try executor(RecordingCommandRunner())
        let refresher = FenceRefresh.refresher(
            record: Self.record(), facts: Self.facts(localhost: [Self.stale]), executor: executor,
            audit: executor.audit())
        #expect(refresher != nil)
    }

    @Test func aRecordWithoutLoadsGivesNoRefresher() throws {
        let executor = try executor(RecordingCommandRunner())
        for record in [
            Self.record { $0.fenceLoads = [] }, Self.record { $0.fenceLoads = [Self.loads[0]] },
            Self.record { $0.fencePID = nil },
        ] {
            #expect(
                FenceRefresh.refresher(
                    record: record, facts: Self.facts(localhost: [Self.stale]), executor: executor,
                    audit: executor.audit()) == nil)
        }
    }

    @Test func aRecordWithoutNameRulesGivesNoRefresher() throws {
        let executor = try executor(RecordingCommandRunner())
        let literals = Self.record { $0.fenceRules = [Self.rules[1]] }
        let none = Self.record { $0.fenceRules = [] }
        for record in [literals, none] {
            #expect(
                FenceRefresh.refresher(
                    record: record, facts: Self.facts(localhost: [Self.stale]), executor: executor,
                    audit: executor.audit()) == nil)
        }
        #expect(
            FenceRefresh.refresher(
                record: nil, facts: Self.facts(localhost: [Self.stale]), executor: executor, audit: executor.audit())
                == nil)
    }

    // MARK: - The record keeps what a refresh needs

    @Test func theSessionRecordRoundTripsItsFenceThroughJSON() throws {
        let ipv6 = NetworkRule(host: .ipv6("2606:4700::6810:85e5"), port: 8443, origin: .builtin)
        let original = Self.record { $0.fenceRules.append(ipv6) }
        let text = original.json.rendered(pretty: true)
        let decoded = try #require(SessionRecord(json: Data(text.utf8)))

        #expect(decoded.fenceRules == original.fenceRules)
        #expect(decoded.fenceRules.map(\.host) == [.name("localhost"), .ipv4("140.82.112.3"), ipv6.host])
        #expect(decoded.fenceRules.map(\.port) == [443, 22, 8443])
        #expect(decoded.fenceLoads == Self.loads)
        #expect(decoded.fencePID == Self.pid)
        #expect(decoded.resolvers == ["10.88.0.1"])
        // The placeholder is kept as text, not filled.
        #expect(decoded.fenceLoads.allSatisfy { $0.contains(SessionStep.Placeholder.containerPID) })
        // Encoding again gives the same document.
        #expect(decoded.json.rendered(pretty: true) == text)
    }

    @Test func aRecordWithoutFenceFieldsDecodesWithAnEmptyFence() throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.record().json.rendered().utf8)) as? [String: Any])
        for key in ["fence_rules", "fence_loads", "fence_pid", "resolvers"] { object.removeValue(forKey: key) }
        let decoded = try #require(SessionRecord(json: try JSONSerialization.data(withJSONObject: object)))
        #expect(decoded.fenceRules.isEmpty)
        #expect(decoded.fenceLoads.isEmpty)
        #expect(decoded.fencePID == nil)
        let executor = try executor(RecordingCommandRunner())
        #expect(
            FenceRefresh.refresher(
                record: decoded, facts: Self.facts(localhost: [Self.stale]), executor: executor,
                audit: executor.audit()) == nil)
    }

    @Test func aMalformedRuleIsDroppedOnDecoding() throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.record().json.rendered().utf8)) as? [String: Any])
        object["fence_rules"] = [
            ["family": "name", "host": "example.com", "port": 443],
            ["family": "name", "host": "example.org", "port": 70_000],
            ["family": "cname", "host": "example.net", "port": 443],
        ]
        let decoded = try #require(SessionRecord(json: try JSONSerialization.data(withJSONObject: object)))
        #expect(decoded.fenceRules.map(\.description) == ["example.com:443"])
    }
}
