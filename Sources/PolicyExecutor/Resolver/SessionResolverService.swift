import Backends
import Diagnostics
import Foundation
import HostProcess

#if canImport(Glibc)
    import Glibc

    /// The `serve-resolver` step: listens at the session's handoff socket before the container
    /// starts, takes the resolver's sockets from the fence hook, and serves them until stopped.
    ///
    /// Losing this process fails closed: the sockets die with it, so the agent's queries get no
    /// answer and the pins it made expire.
    package final class SessionResolverService: @unchecked Sendable {
        /// Makes the query handler once the hook's sockets (the netlink one included) arrived.
        package typealias HandlerFactory = @Sendable (ResolverSockets) -> ResolverServer.Handler
        /// Called once after the server stopped, with the sockets still open (the final reads of
        /// the fence's counters).
        package typealias Finish = @Sendable (ResolverSockets) -> Void

        private let handoff: FenceHandoff
        private let files: FenceHookFiles
        private let factory: HandlerFactory
        private let finish: Finish
        private let lock = NSLock()
        private var server: ResolverServer?
        private var sockets: ResolverSockets?
        private var stopped = false
        private let received = DispatchSemaphore(value: 0)
        private var failure: SystemCallError?

        /// Listens at `files.socket`, creating the session's runtime directory (0700).
        package init(files: FenceHookFiles, factory: @escaping HandlerFactory, finish: @escaping Finish)
            throws(ExecutorFailure)
        {
            if let problem = RuntimeDirectory.ensurePrivate(files.directory) {
                throw .runtimeDirectory(files.directory, reason: problem)
            }
            do throws(SystemCallError) {
                handoff = try FenceHandoff(path: files.socket)
            } catch {
                throw .runtimeDirectory(files.socket, reason: String(cString: strerror(error.code)))
            }
            self.files = files
            self.factory = factory
            self.finish = finish
        }

        /// Waits for the hook in the background, then serves.
        package func start() {
            let thread = Thread { [self] in
                do throws(SystemCallError) {
                    try handoff.receive(milliseconds: -1) { sockets in
                        lock.lock()
                        defer { lock.unlock() }
                        // Returning false leaves the sockets to the handoff, which closes them.
                        guard !stopped else { return false }
                        do throws(SystemCallError) {
                            let server = try ResolverServer(sockets: sockets, handler: factory(sockets))
                            server.start()
                            self.server = server
                            self.sockets = sockets
                            return true
                        } catch {
                            failure = error
                            return false
                        }
                    }
                } catch {
                    lock.lock()
                    if failure == nil { failure = error }
                    lock.unlock()
                }
                received.signal()
            }
            thread.name = "mino.resolver.handoff"
            thread.start()
        }

        /// Waits at most `seconds` for the hook; `true` once the resolver serves.
        package func waitUntilServing(seconds: Int) -> Bool {
            // Serving starts before the hook is answered, so once the hook returned this is set.
            lock.lock()
            let serving = server != nil
            lock.unlock()
            if serving { return true }
            guard received.wait(timeout: .now() + .seconds(seconds)) == .success else { return false }
            received.signal()
            lock.lock()
            defer { lock.unlock() }
            return server != nil
        }

        /// Stops serving, runs `finish`, closes everything and removes the session's runtime
        /// directory (hook, ruleset, socket); idempotent.
        package func stop() {
            lock.lock()
            let wasStopped = stopped
            stopped = true
            let server = self.server
            let sockets = self.sockets
            self.sockets = nil
            lock.unlock()
            guard !wasStopped else { return }
            handoff.close()
            // Work still running after the bound keeps its sockets open (this process ends
            // soon); closing them under it could hand their numbers to something else.
            let drained = server?.stopAndDrain() ?? true
            if let sockets {
                finish(sockets)
                if drained { sockets.close() }
            }
            try? FileManager.default.removeItem(atPath: files.directory)
        }
    }

    extension ExecutorFailure {
        static func runtimeDirectory(_ path: String, reason: String) -> ExecutorFailure {
            ExecutorFailure(
                .failed,
                diagnostics: [
                    .error(
                        "network.resolver-unavailable",
                        "cannot prepare the session resolver at `\(Diagnostic.shown(path))`: \(reason)",
                        help: "the session was not started; the directory must belong to you and be private")
                ])
        }
    }
#endif
