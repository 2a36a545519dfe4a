import Diagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// mino's own standard streams.
public enum StandardStreams {
    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed.
    ///
    /// A program started with a standard stream closed would otherwise hand that number to the
    /// first file or pipe it opens, and a later write to "stderr" would land in a state file or a
    /// child's pipe. Called once, first thing in `main`.
    public static func reopenClosed() {
        #if canImport(Glibc)
            for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO]
            where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
                // `open` returns the lowest free number, which is this one: the lower ones are open.
                _ = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            }
        #endif
    }
}

/// mino's own signal mask.
public enum SignalMask {
    /// Unblocks the signals mino handles (`ForwardedSignal`). A parent may start mino with them
    /// blocked (a mask is inherited through exec); then a Ctrl-C or `kill` would never reach the
    /// handlers and a session could not be stopped. Called first thing in `main`, before any
    /// thread exists, so every thread inherits the unblocked mask.
    public static func unblockHandledSignals() {
        #if canImport(Glibc)
            var set = sigset_t()
            sigemptyset(&set)
            for signal in ForwardedSignal.allCases { sigaddset(&set, signal.rawValue) }
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        #endif
    }
}
