import Backends
import Diagnostics
import Dispatch
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Re-resolves the allowlist's host names while a session runs and reloads the fence when the
/// answers change, so names whose addresses rotate (CDNs) stay reachable — and only at their
/// current addresses.
///
/// `getaddrinfo` does not report TTLs, so names are re-resolved on a fixed interval
/// (`MINO_DNS_REFRESH_SECONDS`, default 30 s). A name that temporarily resolves to nothing keeps
/// its previous addresses rather than closing the fence mid-session. A reload that fails is
/// tried again at the next interval: the fence counts as current only once it was applied.
package final class DNSRefresher: @unchecked Sendable {
    private let names: [String]
    private let interval: Double
    private let resolve: @Sendable (String) -> [String]
    /// Reloads the fence for these addresses; `false` when it could not.
    private let apply: @Sendable ([String: [String]]) -> Bool
    private let wake = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false
    private var current: [String: [String]]
    private var thread: Thread?

    package init(
        names: [String], initial: [String: [String]], interval: Double,
        resolve: @escaping @Sendable (String) -> [String], apply: @escaping @Sendable ([String: [String]]) -> Bool
    ) {
        self.names = names
        self.current = initial
        self.interval = max(1, interval)
        self.resolve = resolve
        self.apply = apply
    }

    /// The refresh interval from the environment, or 30 seconds.
    package static func interval(environment: [String: String]) -> Double {
        environment["MINO_DNS_REFRESH_SECONDS"].flatMap(Double.init).map { max(1, $0) } ?? 30
    }

    package func start() {
        guard !names.isEmpty else { return }
        let thread = Thread { [self] in run() }
        thread.name = "mino-dns-refresh"
        self.thread = thread
        thread.start()
    }

    package func stop() {
        lock.withLock { stopped = true }
        wake.signal()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func run() {
        while !isStopped {
            _ = wake.wait(timeout: .now() + interval)
            if isStopped { return }
            var next = current
            for name in names {
                let addresses = resolve(name).sorted()
                if !addresses.isEmpty { next[name] = addresses }
            }
            if next != current, apply(next) {
                current = next
            }
        }
    }
}
