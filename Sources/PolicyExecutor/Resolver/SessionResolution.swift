import Backends
import Diagnostics
import EgressPolicy
import Foundation
import HostProcess
import PolicyCompiler
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
            _ configuration: ResolverConfiguration, files: FenceHookFiles, session: String, store: SessionStore,
            audit: AuditLog
        ) throws(ExecutorFailure) -> SessionResolverService {
            let log = DecisionLog(path: DecisionLog.path(of: session, in: store))
            let engine = ResolverEngine(policy: policy(configuration))
            let upstream = UpstreamResolver(
                servers: configuration.upstreams.compactMap { try? ResolverSettingsSyntax.resolverEndpoint($0).get() })
            let tally = DeniedTally(session: session, store: store, log: log)
            let service = try SessionResolverService(
                files: files,
                factory: { sockets in
                    let client = NetfilterSetClient(descriptor: dup(sockets.netlink))
                    let pins = PinLedger(client: client)
                    tally.start(client: client)
                    log?.append(.session(.init(time: DecisionLog.now(), event: .start, session: session)))
                    return { bytes, transport in
                        handle(bytes, transport, engine: engine, upstream: upstream, pins: pins, log: log, tally: tally)
                    }
                },
                finish: { _ in
                    tally.stop()
                    log?.append(.session(.init(time: DecisionLog.now(), event: .end, session: session)))
                    log?.flush()
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
                log?.append(event.record(time: DecisionLog.now(), transport: transport.record))
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
                    if transport == .udp, reply.count > 512 {
                        // Answers carry no EDNS record, so over UDP they must fit 512 bytes:
                        // a longer one says "truncated" and the agent asks again over TCP.
                        var truncated = DNSMessage.response(to: forward.query, code: .noError)
                        truncated.isTruncated = true
                        reply = truncated.serialized()
                    }
                    if !event.allowed { tally.countQuery() }
                    log?.append(event.record(time: DecisionLog.now(), transport: transport.record))
                    return reply
                }
            }
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

        /// Reads the counting sets; logs what is new; updates the record's total. The kernel is
        /// asked outside the lock, so the UDP thread counting a refused query never waits on it.
        func read() {
            lock.lock()
            let client = self.client
            lock.unlock()
            var fetched: [(set: String, elements: [SetElement])] = []
            if let client {
                let sets = [
                    NftablesBackend.deniedIPv4Set, NftablesBackend.deniedIPv6Set, NftablesBackend.deniedOtherIPv4Set,
                    NftablesBackend.deniedOtherIPv6Set,
                ]
                for set in sets {
                    guard let elements = try? client.elements(table: NftablesBackend.tableName, set: set) else {
                        continue
                    }
                    fetched.append((set, elements))
                }
            }
            lock.lock()
            var records: [DecisionRecord] = []
            for (set, elements) in fetched {
                // The kernel's own multicast listener reports and neighbour discovery (ICMPv6 to
                // ff00::/8) are not the agent's attempts.
                for element in elements where !(element.ipProtocol == 58 && element.address.bytes.first == 0xff) {
                    let count = element.packets ?? 1
                    let key = "\(set) \(element.address) \(element.ipProtocol ?? 0) \(element.port ?? 0)"
                    let before = seen[key] ?? 0
                    guard count > before else { continue }
                    seen[key] = count
                    records.append(
                        .connection(
                            .init(
                                time: DecisionLog.now(), destination: element.address.description, port: element.port,
                                protocolName: Self.protocolName(element.ipProtocol),
                                count: Int(clamping: count - before))))
                }
            }
            let total = queries + seen.values.reduce(0) { $0 + Int(clamping: $1) }
            let changed = total != recorded
            recorded = total
            lock.unlock()
            for record in records { log?.append(record) }
            if changed { _ = try? store.update(session) { $0.deniedCount = total } }
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

extension ResolverTransport {
    /// The decision log's spelling.
    var record: DecisionRecord.Transport { self == .udp ? .udp : .tcp }
}
