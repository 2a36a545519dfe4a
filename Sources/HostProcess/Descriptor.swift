import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// Small helpers over raw file descriptors for the process layer.
    package enum Descriptor {
        /// A pipe: bytes written to `write` come out of `read`.
        package struct Pipe: Equatable {
            /// The reading end.
            package var read: Int32
            /// The writing end.
            package var write: Int32

            /// Creates a value from its parts.
            package init(read: Int32, write: Int32) {
                self.read = read
                self.write = write
            }
        }

        /// Creates a pipe whose ends are close-on-exec and numbered 3 or above.
        ///
        /// Close-on-exec keeps both ends out of every program any thread starts; a child that should
        /// get one end gets a `dup2` copy, which does not inherit the flag. Numbers below 3 would be
        /// overwritten when the child's standard streams are set up (that happens when mino itself
        /// was started with a standard stream closed), so such ends are moved up.
        package static func makePipe() throws(SystemCallError) -> Pipe {
            var ends: [Int32] = [-1, -1]
            let created: Int32
            if let pipe2 = GlibcExtensions.pipe2 {
                created = pipe2(&ends, O_CLOEXEC)
            } else {
                // Without pipe2 another thread's fork may see the ends before the flag is set; the
                // children mino starts close every inherited descriptor anyway.
                created = pipe(&ends)
                if created == 0 {
                    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
                    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
                }
            }
            guard created == 0 else { throw .current }
            do {
                let read = try moveAboveStandardStreams(ends[0])
                ends[0] = read
                let write = try moveAboveStandardStreams(ends[1])
                return Pipe(read: read, write: write)
            } catch {
                close(ends[0])
                close(ends[1])
                throw error
            }
        }

        /// Returns `descriptor`, or a close-on-exec copy numbered 3 or above when it is 0, 1 or 2
        /// (closing the original).
        private static func moveAboveStandardStreams(_ descriptor: Int32) throws(SystemCallError) -> Int32 {
            guard descriptor <= STDERR_FILENO else { return descriptor }
            let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)
            guard moved >= 0 else { throw .current }
            close(descriptor)
            return moved
        }

        /// Makes reads and writes on `descriptor` return `EAGAIN` instead of blocking.
        package static func setNonBlocking(_ descriptor: Int32) throws(SystemCallError) {
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .current }
        }

        /// Closes `descriptor`. On Linux the number is released even when `close` reports `EINTR`,
        /// so it is never retried (a retry could close a number another thread just received).
        package static func close(_ descriptor: Int32) {
            _ = Glibc.close(descriptor)
        }
    }
#endif
