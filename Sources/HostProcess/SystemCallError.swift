import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// A failed system call inside the process layer: the `errno` it set (or returned).
    package struct SystemCallError: Error, Equatable {
        /// The error number.
        package var code: Int32

        /// Creates a value from its parts.
        package init(code: Int32) {
            self.code = code
        }

        /// The current thread's `errno`.
        package static var current: SystemCallError { SystemCallError(code: errno) }

        /// Throws the code a `posix_spawn*` function returned, unless it is 0.
        package static func check(_ result: Int32) throws(SystemCallError) {
            if result != 0 { throw SystemCallError(code: result) }
        }
    }

    extension ProcessError {
        /// A `spawnFailed` error for `executable` carrying the failed call's `errno`.
        package init(_ failure: SystemCallError, executable: String) {
            self.init(kind: .spawnFailed, executable: executable, code: failure.code)
        }
    }
#endif
