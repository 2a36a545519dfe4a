import Diagnostics

#if canImport(Glibc)
    import Foundation
    import Glibc

    /// mino's side of a `run`: feeds the child's input, collects its output and error, notices
    /// when it ends and enforces the deadline, all from one `poll` loop on the calling thread.
    ///
    /// One loop instead of a thread per stream: a child that fills its stderr pipe while mino is
    /// still writing its stdin cannot deadlock, and at the deadline there is no blocked thread to
    /// rescue. The end of the child is signalled by a pipe that a helper thread closes once
    /// `waitid` reports the child ended (it is left unreaped, so its pid cannot be reused while it
    /// may still be signalled).
    ///
    /// Output is collected until end of file, even after the child ended: a helper it left behind
    /// may still be writing. Once the deadline passed, the loop ends as soon as the child ended.
    package struct ProcessSupervisor {
        /// What a supervised run produced.
        package struct Outcome {
            /// Collected standard output.
            package var output: [UInt8] = []
            /// Collected standard error.
            package var error: [UInt8] = []
            /// Whether the deadline passed and the child was sent SIGTERM (and maybe SIGKILL).
            package var timedOut = false
            /// A system call the loop could not do without; the child was killed.
            package var failure: SystemCallError?

            /// Creates a value from its parts.
            package init(output: [UInt8] = [], error: [UInt8] = [], failure: SystemCallError? = nil) {
                self.output = output
                self.error = error
                self.failure = failure
            }
        }

        private enum Phase: Equatable {
            case running
            case terminating(killAt: ContinuousClock.Instant)
            case killed
        }

        /// How long a child gets between SIGTERM and SIGKILL.
        package static let killGrace: Duration = .seconds(2)
        private static let chunkSize = 64 * 1024

        private let child: ChildProcess
        // INVARIANT: each descriptor property is set to nil when its descriptor is closed, so every
        // one is closed exactly once (a second close could hit a number another thread reused).
        private var exitNotice: Int32?
        private var input: Int32?
        private let inputBytes: [UInt8]
        private var inputOffset = 0
        private var output: Int32?
        private var error: Int32?
        private let deadline: ContinuousClock.Instant?
        private var phase = Phase.running
        private var exited = false
        private var outcome = Outcome()
        private var buffer = [UInt8](repeating: 0, count: chunkSize)

        /// Takes ownership of the parent's pipe ends (each non-blocking, or `nil` when not used) and
        /// of `exitNotice`, the reading end of a pipe whose writing end `notifyExit` closes.
        package init(
            child: ChildProcess, exitNotice: Int32, input: Int32?, inputBytes: [UInt8], output: Int32?, error: Int32?,
            deadline: ContinuousClock.Instant?
        ) {
            self.child = child
            self.exitNotice = exitNotice
            self.input = input
            self.inputBytes = inputBytes
            self.output = output
            self.error = error
            self.deadline = deadline
        }

        /// Closes `writeEnd` on a helper thread once `child` has ended (without reaping it).
        package static func notifyExit(of child: ChildProcess, closing writeEnd: Int32) {
            Thread.detachNewThread {
                child.waitForExit()
                Descriptor.close(writeEnd)
            }
        }

        /// Runs the loop until the child ended and its output is complete (or the deadline
        /// passed); every descriptor it was given is closed when it returns. The child is not
        /// reaped.
        package mutating func supervise() -> Outcome {
            if inputBytes.isEmpty { closeInput() }
            // A write to a pipe whose reader is gone raises SIGPIPE, which would end mino; while the
            // loop writes, the signal is blocked in this thread and consumed afterwards.
            withBrokenPipeSignalDiscarded {
                let clock = ContinuousClock()
                while !isFinished {
                    escalate(now: clock.now)
                    if isFinished { break }
                    pollOnce(timeout: pollTimeout(now: clock.now))
                }
            }
            closeInput()
            for descriptor in [output, error, exitNotice].compactMap({ $0 }) { Descriptor.close(descriptor) }
            output = nil
            error = nil
            exitNotice = nil
            return outcome
        }

        private var isFinished: Bool {
            exited && (phase != .running || (output == nil && error == nil))
        }

        /// Sends SIGTERM at the deadline and SIGKILL after the grace period.
        private mutating func escalate(now: ContinuousClock.Instant) {
            switch phase {
            case .running:
                guard let deadline, now >= deadline else { return }
                child.send(SIGTERM)
                outcome.timedOut = true
                phase = .terminating(killAt: now.advanced(by: Self.killGrace))
            case .terminating(let killAt):
                guard now >= killAt else { return }
                child.send(SIGKILL)
                phase = .killed
            case .killed:
                return
            }
        }

        /// Milliseconds `poll` may wait before the next escalation step (-1: no limit).
        private func pollTimeout(now: ContinuousClock.Instant) -> Int32 {
            let next: ContinuousClock.Instant?
            switch phase {
            case .running: next = deadline
            case .terminating(let killAt): next = killAt
            case .killed: next = nil
            }
            guard let next else { return -1 }
            let remaining = now.duration(to: next)
            guard remaining > .zero else { return 0 }
            let (seconds, attoseconds) = remaining.components
            let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
            let milliseconds =
                seconds * 1000 + (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
            return Int32(clamping: milliseconds)
        }

        private mutating func pollOnce(timeout: Int32) {
            var watched: [pollfd] = []
            if let input { watched.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if let output { watched.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            if let error { watched.append(pollfd(fd: error, events: Int16(POLLIN), revents: 0)) }
            if let exitNotice { watched.append(pollfd(fd: exitNotice, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&watched, nfds_t(watched.count), timeout)
            if ready < 0 {
                if errno != EINTR { abandon(.current) }
                return
            }
            for entry in watched where entry.revents != 0 {
                if entry.fd == input {
                    writeInput()
                } else if entry.fd == output {
                    read(into: \.output, from: \.output)
                } else if entry.fd == error {
                    read(into: \.error, from: \.error)
                } else if entry.fd == exitNotice {
                    exited = true
                    closeInput()
                    if let exitNotice { Descriptor.close(exitNotice) }
                    exitNotice = nil
                }
            }
        }

        private mutating func writeInput() {
            guard let input else { return }
            let offset = inputOffset
            let written = inputBytes.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return write(input, base + offset, min(bytes.count - offset, Self.chunkSize))
            }
            if written > 0 {
                inputOffset += written
                if inputOffset == inputBytes.count { closeInput() }
            } else if written < 0, errno == EAGAIN || errno == EINTR {
                return
            } else {
                // EPIPE: the child closed its input; the rest is not wanted.
                closeInput()
            }
        }

        private mutating func read(
            into collected: WritableKeyPath<Outcome, [UInt8]>, from stream: WritableKeyPath<Self, Int32?>
        ) {
            guard let descriptor = self[keyPath: stream] else { return }
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count > 0 {
                outcome[keyPath: collected].append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                return
            } else {
                Descriptor.close(descriptor)
                self[keyPath: stream] = nil
            }
        }

        private mutating func closeInput() {
            if let input { Descriptor.close(input) }
            input = nil
        }

        /// Gives up on the pipes after a failed `poll`: kills the child and waits for it to end.
        private mutating func abandon(_ failure: SystemCallError) {
            outcome.failure = failure
            child.send(SIGKILL)
            child.waitForExit()
            exited = true
            phase = .killed
        }
    }

    /// Runs `body` with SIGPIPE blocked in the calling thread, then discards the SIGPIPEs it raised
    /// and restores the thread's signal mask.
    private func withBrokenPipeSignalDiscarded(_ body: () -> Void) {
        var brokenPipe = sigset_t()
        sigemptyset(&brokenPipe)
        sigaddset(&brokenPipe, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &brokenPipe, &previous)
        body()
        if sigismember(&previous, SIGPIPE) == 0 {
            var noWait = timespec()
            // Bounded: a signal is pending at most once per thread and once per process.
            var discarded = 0
            while discarded < 2, sigtimedwait(&brokenPipe, nil, &noWait) == SIGPIPE { discarded += 1 }
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
#endif
