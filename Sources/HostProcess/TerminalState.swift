import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// The saved attributes (echo, line mode, …) of a terminal, to put back after a child that
    /// may have changed them (an attached `podman run -t` puts the terminal in raw mode).
    package struct TerminalState: Sendable {
        /// The terminal's descriptor.
        package let descriptor: Int32
        private let attributes: termios

        /// Saves the attributes of `descriptor`, or returns `nil` when it is not a terminal (then
        /// there is nothing to restore).
        package static func save(_ descriptor: Int32) -> TerminalState? {
            guard isatty(descriptor) == 1 else { return nil }
            var attributes = termios()
            guard tcgetattr(descriptor, &attributes) == 0 else { return nil }
            return TerminalState(descriptor: descriptor, attributes: attributes)
        }

        /// Puts the saved attributes back; returns whether that worked.
        ///
        /// SIGTTOU is blocked in this thread meanwhile: when mino is not in the terminal's foreground
        /// process group, `tcsetattr` would otherwise stop mino instead of restoring.
        @discardableResult
        package func restore() -> Bool {
            var stopSignal = sigset_t()
            sigemptyset(&stopSignal)
            sigaddset(&stopSignal, SIGTTOU)
            var previous = sigset_t()
            pthread_sigmask(SIG_BLOCK, &stopSignal, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            var saved = attributes
            var result = tcsetattr(descriptor, TCSANOW, &saved)
            var attempts = 1
            while result == -1, errno == EINTR, attempts < 8 {
                result = tcsetattr(descriptor, TCSANOW, &saved)
                attempts += 1
            }
            return result == 0
        }
    }
#endif
