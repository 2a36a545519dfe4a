import Backends
import Diagnostics
import EgressPolicy
import Foundation
import HostProcess
import PolicyModel

#if canImport(Glibc)
    import Glibc

    /// Puts a session resolver together: the engine over the session's configuration, the
    /// upstream servers, the pins written through the hook's netlink socket before an answer
    /// leaves, the decision log, and the count of refused connections read from the fence.
    package enum SessionResolution {
        /// How often the fence's refused-connection counters are read while the session runs.
        static let tallySeconds = 5

        /// Starts listening for the session's fence hook and serving after it.
        package static func start(
            _ configuration: ResolverConfiguration, files: FenceHookFiles, session: String, executor: Executor,
            audit: AuditLog
        ) throws(ExecutorFailure) -> SessionResolverService {
            let log = DecisionLog(path: DecisionLog.path(of: session, in: executor.store))
            let engine = ResolverEngine(policy: policy(configuration))
            let upstream = UpstreamResolver(
                servers: configuration.upstreams.compactMap { ResolverEndpoint(text: $0) })
            let tally = DeniedTally(session: session, store: executor.store, log: log)
            let service = try SessionResolverService(
                files: files,
                factory: { sockets in
                    let client = NetfilterSetClient(descriptor: dup(sockets.netlink))
                    let pins = PinLedger(client: client)
                    tally.start(client: client)
                    log?.append(["kind": .string("session"), "event": .string("resolver-started")])
                    return { bytes, transport in
                        handle(bytes, transport, engine: engine, upstream: upstream, pins: pins, log: log, tally: tally)
                    }
                },
                finish: { _ in
                    tally.stop()
                    log?.append(["kind": .string("session"), "event": .string("resolver-stopped")])
                })
            service.start()
            audit.record("network.resolver.started", ["name": .string(session), "socket": .string(files.socket)])
            return service
        }

        /// The engine's view of `configuration`.
        static func policy(_ configuration: ResolverConfiguration) -> ResolverEngine.Policy {
            var rules: [NetworkRule] = []
            var reported: [NetworkRule: ResolverEngine.Rule] = [:]
            for rule in configuration.rules {
                let network = NetworkRule(host: rule.host, port: rule.port, origin: .builtin)
                rules.append(network)
                reported[network] = ResolverEngine.Rule(text: rule.text, origin: rule.origin, port: rule.port)
            }
            let matcher = NameMatcher(rules: rules)
            let guardrail = AddressGuard(
                hostAddresses: configuration.hostAddresses.compactMap { IPAddress($0) },
                allowPrivate: configuration.allowPrivate.compactMap { IPNetwork($0) })
            let frozen = reported
            return ResolverEngine.Policy(
                rulesForName: { name in matcher.rules(for: name).compactMap { frozen[$0] } },
                refusalForAddress: { address in
                    if case .refused(let reason) = guardrail.verdict(for: address) { return reason.rawValue }
                    return nil
                },
                extraTypes: Set(configuration.extraTypes.compactMap { DNSRecordType(name: $0) }),
                pinSeconds: configuration.pinSeconds, graceSeconds: configuration.graceSeconds)
        }

        private static func handle(
            _ bytes: [UInt8], _ transport: ResolverTransport, engine: ResolverEngine, upstream: UpstreamResolver,
            pins: PinLedger, log: DecisionLog?, tally: DeniedTally
        ) -> ResolverReply {
            switch engine.decide(bytes, upstreamID: UInt16.random(in: 0...UInt16.max)) {
            case .reply(let reply, let event):
                if !event.allowed { tally.countQuery() }
                log?.append(record(event, transport))
                return reply.map(ResolverReply.now) ?? .drop
            case .forward(let forward):
                return .later {
                    let answer = upstream.resolve(forward.upstreamQuery) { $0.count > 2 && $0[2] & 0x02 != 0 }
                    var (reply, wanted, event) = engine.complete(forward, upstream: answer)
                    if !wanted.isEmpty, !pins.pin(wanted) {
                        // An address that cannot be opened is not handed out: the agent would
                        // connect to a closed door and the log would say it was allowed.
                        event.allowed = false
                        event.reason = "pin-failed"
                        event.pinned = []
                        reply = DNSMessage.response(to: forward.query, code: .serverFailure).serialized()
                    }
                    if !event.allowed { tally.countQuery() }
                    log?.append(record(event, transport))
                    return reply
                }
            }
        }

        /// The decision-log record of one DNS decision.
        static func record(_ event: ResolverEngine.Event, _ transport: ResolverTransport) -> [String: JSONValue] {
            var members: [String: JSONValue] = [
                "kind": .string("dns"), "name": .string(event.name), "type": .string(event.type),
                "transport": .string(transport.rawValue), "decision": .string(event.allowed ? "allow" : "deny"),
            ]
            if let reason = event.reason { members["reason"] = .string(reason) }
            if let rule = event.rule {
                members["rule"] = .string(rule.text)
                members["origin"] = .string(rule.origin)
            }
            if !event.answers.isEmpty { members["answers"] = .array(event.answers.map(JSONValue.string)) }
            if !event.pinned.isEmpty { members["pinned"] = .array(event.pinned.map(JSONValue.string)) }
            if let ttl = event.ttl { members["ttl"] = .integer(Int64(ttl)) }
            return members
        }
    }

    /// The pins already made and until when, so an answer never shortens a pin another answer
    /// still needs (the kernel's last write wins), and a pin already open for as long as a new
    /// answer needs is not rewritten. Every answer keeps its addresses open for its whole
    /// lifetime from the moment it is given: a pin is rewritten whenever an answer needs it open
    /// longer than it is, with `slackMilliseconds` more than asked, so a burst of answers for one
    /// address costs at most one write per `slackMilliseconds`.
    final class PinLedger: @unchecked Sendable {
        /// Added to every pin written.
        static let slackMilliseconds: UInt64 = 250

        private let client: NetfilterSetClient
        private let lock = NSLock()
        private var until: [PinnedElement: ContinuousClock.Instant] = [:]

        init(client: NetfilterSetClient) {
            self.client = client
        }

        /// Makes `pins`; `false` when the kernel refused.
        func pin(_ pins: [ResolverEngine.Pin]) -> Bool {
            let now = ContinuousClock.now
            lock.lock()
            defer { lock.unlock() }
            // Per family and lifetime, one batch each.
            var batches: [IPAddress.Family: [UInt64: [PinnedElement]]] = [:]
            for pin in pins {
                let element = PinnedElement(address: pin.address, port: pin.port)
                // Already open at least as long as this answer needs: leave it.
                if let current = until[element], current >= now + .seconds(Int(pin.seconds)) { continue }
                // Longer than what is left of the current pin (which ends before the answer's
                // lifetime does), so the write never shortens it.
                let milliseconds = UInt64(pin.seconds) * 1000 + Self.slackMilliseconds
                batches[pin.address.family, default: [:]][milliseconds, default: []].append(element)
                until[element] = now + .milliseconds(Int(milliseconds))
            }
            for (family, byLifetime) in batches {
                for (milliseconds, elements) in byLifetime {
                    do {
                        try client.add(
                            elements, table: NftablesBackend.tableName, set: NftablesBackend.pinnedSet(for: family),
                            timeoutMilliseconds: milliseconds)
                    } catch {
                        for element in elements { until[element] = nil }
                        return false
                    }
                }
            }
            return true
        }
    }

    /// Counts what the session refused: DNS queries as they happen, connection attempts from
    /// the fence's counting sets (read every few seconds and once at the end); new counts go to
    /// the decision log and the total to the session record (`mino list`).
    final class DeniedTally: @unchecked Sendable {
        private let session: String
        private let store: SessionStore
        private let log: DecisionLog?
        private let lock = NSLock()
        private var queries = 0
        private var seen: [String: UInt64] = [:]
        private var client: NetfilterSetClient?
        private var timer: DispatchSourceTimer?
        private var recorded = -1

        init(session: String, store: SessionStore, log: DecisionLog?) {
            self.session = session
            self.store = store
            self.log = log
        }

        func countQuery() {
            lock.lock()
            queries += 1
            lock.unlock()
        }

        func start(client: NetfilterSetClient) {
            lock.lock()
            self.client = client
            lock.unlock()
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mino.resolver.tally"))
            timer.schedule(
                deadline: .now() + .seconds(SessionResolution.tallySeconds),
                repeating: .seconds(SessionResolution.tallySeconds))
            timer.setEventHandler { [weak self] in self?.read() }
            timer.resume()
            self.timer = timer
        }

        func stop() {
            timer?.cancel()
            read()
        }

        /// Reads the counting sets; logs what is new; updates the record's total.
        func read() {
            lock.lock()
            defer { lock.unlock() }
            var connections = 0
            if let client {
                let sets = [
                    NftablesBackend.deniedIPv4Set, NftablesBackend.deniedIPv6Set, NftablesBackend.deniedOtherIPv4Set,
                    NftablesBackend.deniedOtherIPv6Set,
                ]
                for set in sets {
                    guard let elements = try? client.elements(table: NftablesBackend.tableName, set: set) else {
                        continue
                    }
                    for element in elements {
                        let count = element.packets ?? 1
                        let key = "\(set) \(element.address) \(element.ipProtocol ?? 0) \(element.port ?? 0)"
                        connections += Int(clamping: count)
                        let before = seen[key] ?? 0
                        guard count > before else { continue }
                        seen[key] = count
                        var members: [String: JSONValue] = [
                            "kind": .string("connection"), "decision": .string("deny"),
                            "destination": .string(element.address.description),
                            "protocol": .string(Self.protocolName(element.ipProtocol)),
                            "count": .integer(Int64(clamping: count - before)),
                        ]
                        if let port = element.port { members["port"] = .integer(Int64(port)) }
                        log?.append(members)
                    }
                }
            } else {
                connections = seen.values.reduce(0) { $0 + Int(clamping: $1) }
            }
            let total = queries + connections
            guard total != recorded else { return }
            recorded = total
            _ = try? store.update(session) { $0.deniedCount = total }
        }

        static func protocolName(_ number: UInt8?) -> String {
            switch number {
            case 6: return "tcp"
            case 17: return "udp"
            case 1: return "icmp"
            case 58: return "icmpv6"
            case let value?: return String(value)
            case nil: return "ip"
            }
        }
    }
#endif
