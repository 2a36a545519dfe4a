import Diagnostics

#if !canImport(Glibc)
    #if canImport(Darwin)
        import Darwin
    #endif

    /// The real `CommandRunner` exists for Linux (glibc) only; elsewhere every call fails with
    /// `spawnFailed` and `ENOSYS`, so the rest of mino still builds.
    public struct SystemCommandRunner: CommandRunner {
        /// Creates a runner.
        public init() {}

        /// Fails: not supported on this platform.
        public func run(_ spec: ProcessSpec, timeout: Duration?) throws(ProcessError) -> ProcessResult {
            throw ProcessError(kind: .spawnFailed, executable: spec.executable, code: ENOSYS)
        }

        /// Fails: not supported on this platform.
        public func runAttached(
            _ spec: ProcessSpec, forwarding: Set<ForwardedSignal>,
            onSignal: @escaping @Sendable (ForwardedSignal) -> Void
        ) throws(ProcessError) -> ProcessStatus {
            throw ProcessError(kind: .spawnFailed, executable: spec.executable, code: ENOSYS)
        }

        /// Fails: not supported on this platform.
        public func spawnDetached(_ spec: ProcessSpec) throws(ProcessError) -> Int32 {
            throw ProcessError(kind: .spawnFailed, executable: spec.executable, code: ENOSYS)
        }
    }
#endif
