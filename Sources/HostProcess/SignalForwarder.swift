import Diagnostics

#if canImport(Glibc)
    import Dispatch
    import Foundation
    import Glibc

    // INVARIANT: set once, under `SignalForwarder.lock`, before the first handler is installed, and
    // never changed afterwards: the handler always writes to the same open, non-blocking pipe.
    nonisolated(unsafe) private var signalReportDescriptor: Int32 = -1

    /// The signal handler: reports the signal as one byte on the pipe. Async-signal-safe: one
    /// `write` that cannot block, `errno` preserved.
    private func reportSignal(_ signal: Int32) {
        let savedErrno = errno
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = write(signalReportDescriptor, &byte, 1)
        errno = savedErrno
    }

    /// Hands the signals mino receives during an attached run to a handler on a background thread
    /// instead of letting them take their default action (ending mino).
    ///
    /// A handler that writes the signal number to a pipe (the self-pipe pattern), read by a
    /// dedicated thread. Not `sigwait`: that needs the signals blocked in every thread of the
    /// process, which a library cannot arrange for threads that already exist (Dispatch workers,
    /// a test runner's), and one that does not block them would take the default action. Not
    /// Dispatch signal sources: on Linux they install their own handler and block the signals in
    /// whichever thread caught one, so the previous dispositions and masks cannot be restored.
    /// Here the previous dispositions are saved and put back exactly; no thread's mask changes.
    ///
    /// Attached runs are serialized (dispositions and the terminal are process-wide): `begin`
    /// waits until the previous forwarder `end`ed.
    package final class SignalForwarder {
        private static let lock = NSLock()
        // INVARIANT: read and written only while holding `lock`. Created once and kept for the
        // life of the process: a handler already running on another thread when the dispositions
        // are restored may still write to it, so it must never be closed (or its number reused).
        nonisolated(unsafe) private static var reportPipe: Descriptor.Pipe?
        /// Written after the last signal of a run; no signal has number 0.
        private static let endMarker: UInt8 = 0

        private let signals: Set<ForwardedSignal>
        private let pipe: Descriptor.Pipe
        private var previousActions: [(signal: Int32, action: sigaction)] = []
        private var readerFinished: DispatchSemaphore?

        private init(signals: Set<ForwardedSignal>, pipe: Descriptor.Pipe) {
            self.signals = signals
            self.pipe = pipe
        }

        /// Waits for any other attached run to end, then catches `signals` from now on.
        package static func begin(_ signals: Set<ForwardedSignal>) throws(SystemCallError) -> SignalForwarder {
            lock.lock()
            do {
                let pipe = try sharedReportPipe()
                discardPending(pipe.read)
                let forwarder = SignalForwarder(signals: signals, pipe: pipe)
                try forwarder.install()
                return forwarder
            } catch {
                lock.unlock()
                throw error
            }
        }

        /// Starts handing the caught signals (also those caught before this call) to `handler` on a
        /// dedicated thread; SIGWINCH is also passed on to `child` when there is one.
        package func deliver(to child: ChildProcess?, _ handler: @escaping @Sendable (ForwardedSignal) -> Void) {
            let finished = DispatchSemaphore(value: 0)
            readerFinished = finished
            let signals = signals
            let readEnd = pipe.read
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while true {
                    let count = read(readEnd, &byte, 1)
                    if count < 0, errno == EINTR { continue }
                    guard count == 1, byte != Self.endMarker else { break }
                    guard let signal = ForwardedSignal(rawValue: Int32(byte)), signals.contains(signal) else {
                        continue
                    }
                    if signal == .windowChange, let child { child.send(SIGWINCH) }
                    handler(signal)
                }
                finished.signal()
            }
        }

        /// Restores the previous dispositions, waits until every caught signal has been handed to
        /// the handler (and the handler returned), and lets the next attached run begin.
        package func end() {
            restorePreviousActions()
            if let readerFinished {
                // Only fails when the pipe stays full for 10 s; the reader then finishes on its own.
                if Self.writeEndMarker(pipe.write) { readerFinished.wait() }
            } else {
                Self.discardPending(pipe.read)
            }
            readerFinished = nil
            Self.lock.unlock()
        }

        private func install() throws(SystemCallError) {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = reportSignal
            sigemptyset(&action.sa_mask)
            // Restarted system calls: a signal never makes mino's own waits fail with EINTR.
            action.sa_flags = Int32(SA_RESTART)
            for signal in signals.map(\.rawValue).sorted() {
                var previous = sigaction()
                guard sigaction(signal, &action, &previous) == 0 else {
                    let failure = SystemCallError.current
                    restorePreviousActions()
                    throw failure
                }
                previousActions.append((signal, previous))
            }
        }

        private func restorePreviousActions() {
            for (signal, action) in previousActions.reversed() {
                var previous = action
                sigaction(signal, &previous, nil)
            }
            previousActions = []
        }

        private static func sharedReportPipe() throws(SystemCallError) -> Descriptor.Pipe {
            if let reportPipe { return reportPipe }
            let pipe = try Descriptor.makePipe()
            // The handler must never block; the reading thread does block.
            try Descriptor.setNonBlocking(pipe.write)
            reportPipe = pipe
            signalReportDescriptor = pipe.write
            return pipe
        }

        /// Reads and drops what is in the pipe now: signals a handler reported after its run ended.
        private static func discardPending(_ readEnd: Int32) {
            var check = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            var byte: UInt8 = 0
            // Bounded: the pipe holds at most 64 KiB.
            for _ in 0..<65_536 {
                guard poll(&check, 1, 0) == 1, read(readEnd, &byte, 1) == 1 else { return }
            }
        }

        private static func writeEndMarker(_ writeEnd: Int32) -> Bool {
            var marker = endMarker
            // The reader is draining the pipe, so a full pipe empties; wait for room, bounded.
            for _ in 0..<1000 {
                if write(writeEnd, &marker, 1) == 1 { return true }
                guard errno == EAGAIN || errno == EINTR else { return false }
                var room = pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&room, 1, 10)
            }
            return false
        }
    }
#endif
