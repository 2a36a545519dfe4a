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
