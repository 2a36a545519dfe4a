import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// One `posix_spawn` call: the resolved program, its argv and envp, where its standard streams
    /// come from, and its session and process group.
    ///
    /// Every child mino starts gets:
    /// - exactly the given environment (nothing of mino's own is inherited);
    /// - no descriptor of mino's besides the three standard streams (pipes are close-on-exec, and
    ///   `posix_spawn_file_actions_addclosefrom_np` closes everything from 3 on where glibc has it);
    /// - an empty signal mask and default dispositions for the signals mino handles or may have
    ///   inherited as ignored (`ForwardedSignal`, SIGQUIT, SIGPIPE), whatever mino's own are.
    package struct ProcessLaunch {
        /// Where one of the child's standard streams comes from.
        package enum Stream: Equatable {
            /// mino's own stream.
            case inherit
            /// `/dev/null`.
            case null
            /// This descriptor of mino's (a pipe end).
            case descriptor(Int32)
        }

        /// The absolute path of the program.
        package var path: String
        /// The complete argv, program name first.
        package var arguments: [String]
        /// The complete environment.
        package var environment: [String: String]
        /// Standard input.
        package var input: Stream = .null
        /// Standard output.
        package var output: Stream = .null
        /// Standard error.
        package var error: Stream = .null
        /// The child's working directory, if not mino's.
        package var workingDirectory: String?

        /// Creates a value from its parts.
        package init(
            path: String, arguments: [String], environment: [String: String], input: Stream = .null,
            output: Stream = .null, error: Stream = .null, workingDirectory: String? = nil
        ) {
            self.path = path
            self.arguments = arguments
            self.environment = environment
            self.input = input
            self.output = output
            self.error = error
            self.workingDirectory = workingDirectory
        }
        /// Whether the child leads a new process group (so the group can be signalled as a whole).
        package var newProcessGroup = false
        /// Whether the child leads a new session, detached from mino's controlling terminal.
        package var newSession = false

        /// Signals whose disposition the child gets reset to the default.
        package static let defaultedSignals: [Int32] = ForwardedSignal.allCases.map(\.rawValue) + [SIGQUIT, SIGPIPE]

        /// Starts the child and returns its pid.
        ///
        /// Strings with a NUL byte, and environment names that are empty or contain `=`, would be
        /// cut short or misread by the child; they fail with `EINVAL` before anything starts.
        package func spawn() throws(SystemCallError) -> pid_t {
            let argv = arguments
            // INVARIANT: secret values travel only in envp (the child's environment, readable by its
            // owner), never in argv (readable by every local user through the process table).
            let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            guard !argv.isEmpty, (argv + [path]).allSatisfy({ !$0.utf8.contains(0) }),
                environment.allSatisfy({ !$0.key.isEmpty && !$0.key.contains("=") && !$0.key.utf8.contains(0) }),
                environment.values.allSatisfy({ !$0.utf8.contains(0) })
            else { throw SystemCallError(code: EINVAL) }

            let actions = UnsafeMutablePointer<posix_spawn_file_actions_t>.allocate(capacity: 1)
            defer { actions.deallocate() }
            try SystemCallError.check(posix_spawn_file_actions_init(actions))
            defer { posix_spawn_file_actions_destroy(actions) }
            let attributes = UnsafeMutablePointer<posix_spawnattr_t>.allocate(capacity: 1)
            defer { attributes.deallocate() }
            try SystemCallError.check(posix_spawnattr_init(attributes))
            defer { posix_spawnattr_destroy(attributes) }

            // A parent started with a standard stream closed hands out 0, 1 or 2 for its pipes; such
            // a descriptor could be overwritten by an earlier dup2 of this very spawn (stdin's pipe
            // landing on the stdout pipe's number). Each is lifted to a close-on-exec copy at 3 or
            // above for the duration of the spawn.
            var lifted: [Int32] = []
            defer {
                for descriptor in lifted { close(descriptor) }
            }
            func lift(_ stream: Stream) throws(SystemCallError) -> Stream {
                guard case .descriptor(let descriptor) = stream, descriptor <= STDERR_FILENO else { return stream }
                let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)
                guard copy >= 0 else { throw SystemCallError(code: errno) }
                lifted.append(copy)
                return .descriptor(copy)
            }
            let streams = [
                (try lift(input), STDIN_FILENO, O_RDONLY), (try lift(output), STDOUT_FILENO, O_WRONLY),
                (try lift(error), STDERR_FILENO, O_WRONLY),
            ]
            try addFileActions(actions, streams: streams)
            try setAttributes(attributes)

            var pid: pid_t = 0
            let result = try withCStrings(argv) { argvPointers throws(SystemCallError) in
                try withCStrings(envp) { envpPointers throws(SystemCallError) in
                    posix_spawn(&pid, path, actions, attributes, argvPointers, envpPointers)
                }
            }
            try SystemCallError.check(result)
            return pid
        }

        private func addFileActions(
            _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, streams: [(Stream, Int32, Int32)]
        ) throws(SystemCallError) {
            for (stream, target, nullMode) in streams {
                switch stream {
                case .inherit:
                    break
                case .null:
                    try SystemCallError.check(
                        posix_spawn_file_actions_addopen(actions, target, "/dev/null", nullMode, 0))
                case .descriptor(let descriptor):
                    // The copy on `target` is not close-on-exec; the original (3 or above) is.
                    try SystemCallError.check(posix_spawn_file_actions_adddup2(actions, descriptor, target))
                }
            }
            if let workingDirectory {
                // glibc before 2.29 has no way to change directory between fork and exec in
                // posix_spawn; such a spec fails with ENOSYS rather than run in the wrong place.
                guard let addChangeDirectory = GlibcExtensions.addChangeDirectory else {
                    throw SystemCallError(code: ENOSYS)
                }
                try SystemCallError.check(addChangeDirectory(actions, workingDirectory))
            }
            // Without addclosefrom (glibc before 2.34), only close-on-exec keeps descriptors out:
            // mino's own are all opened with it.
            if let addCloseFrom = GlibcExtensions.addCloseFrom {
                try SystemCallError.check(addCloseFrom(actions, STDERR_FILENO + 1))
            }
        }

        private func setAttributes(_ attributes: UnsafeMutablePointer<posix_spawnattr_t>) throws(SystemCallError) {
            var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
            var mask = sigset_t()
            sigemptyset(&mask)
            try SystemCallError.check(posix_spawnattr_setsigmask(attributes, &mask))
            var defaulted = sigset_t()
            sigemptyset(&defaulted)
            for signal in Self.defaultedSignals {
                sigaddset(&defaulted, signal)
            }
            try SystemCallError.check(posix_spawnattr_setsigdefault(attributes, &defaulted))
            if newProcessGroup {
                flags |= Int32(POSIX_SPAWN_SETPGROUP)
                try SystemCallError.check(posix_spawnattr_setpgroup(attributes, 0))
            }
            if newSession {
                flags |= GlibcExtensions.spawnSetSessionFlag
            }
            try SystemCallError.check(posix_spawnattr_setflags(attributes, Int16(flags)))
        }
    }

    /// Calls `body` with a NULL-terminated array of C copies of `strings`, freed afterwards.
    private func withCStrings<Result>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) throws(SystemCallError) -> Result
    ) throws(SystemCallError) -> Result {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count + 1)
        defer {
            for pointer in pointers { free(pointer) }
        }
        for string in strings {
            guard let copy = strdup(string) else { throw SystemCallError(code: ENOMEM) }
            pointers.append(copy)
        }
        pointers.append(nil)
        return try body(pointers)
    }
#endif
