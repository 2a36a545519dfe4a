import Diagnostics

#if canImport(Glibc)
    import Foundation
    import Glibc

    /// The real `CommandRunner`: starts programs with `posix_spawn`.
    ///
    /// - The program is found by `ExecutableLocator` (`PATH` of the spec's environment, then the
    ///   system directories); a name that resolves to nothing is `ProcessError.Kind.notFound`.
    /// - The child gets exactly the spec's environment, no descriptor of mino's besides its standard
    ///   streams, an empty signal mask and default signal dispositions (see `ProcessLaunch`).
    /// - Other failures are `spawnFailed` with the `errno`: `EINVAL` for strings with NUL bytes or
    ///   bad environment names, `ENOENT` for a missing working directory, `EACCES` for a program
    ///   mino may not execute.
    public struct SystemCommandRunner: CommandRunner {
        private let terminal: Int32

        /// Creates a runner; attached runs save and restore the terminal on mino's standard input.
        public init() {
            self.init(terminal: STDIN_FILENO)
        }

        /// Creates a runner whose attached runs save and restore the terminal on `terminal`.
        package init(terminal: Int32) {
            self.terminal = terminal
        }

        /// Runs a child to completion, feeding and collecting its streams as the spec says.
        ///
        /// With a `timeout`, the child leads its own process group (unless it reads mino's input,
        /// which needs the terminal's foreground group), as `timeout(1)` does: at the deadline the
        /// whole group gets SIGTERM, then SIGKILL two seconds later, so helpers it started end too.
        /// Without one it stays in mino's group, so a Ctrl-C at the terminal reaches it as it would
        /// from a shell and an interrupted mino is not left waiting for it.
        ///
        /// Captured output is read to its end: when the child leaves a helper running that still
        /// holds its output, the run lasts until that helper closes it (or the deadline passes).
        public func run(_ spec: ProcessSpec, timeout: Duration?) throws(ProcessError) -> ProcessResult {
            let path = try locate(spec)
            var launch = ProcessLaunch(
                path: path, arguments: [spec.executable] + spec.arguments, environment: spec.environment,
                workingDirectory: spec.workingDirectory)
            launch.newProcessGroup = timeout != nil && spec.input != .inherit
            let pipes: RunPipes
            do {
                pipes = try RunPipes(spec)
            } catch {
                throw ProcessError(error, executable: spec.executable)
            }
            launch.input = pipes.input.map { .descriptor($0.read) } ?? (spec.input == .inherit ? .inherit : .null)
            launch.output = pipes.output.map { .descriptor($0.write) } ?? Self.stream(spec.output)
            launch.error = pipes.error.map { .descriptor($0.write) } ?? Self.stream(spec.error)

            let child: ChildProcess
            do {
                child = ChildProcess(pid: try launch.spawn(), leadsProcessGroup: launch.newProcessGroup)
            } catch {
                pipes.closeAll()
                throw ProcessError(error, executable: spec.executable)
            }
            pipes.closeChildEnds()
            ProcessSupervisor.notifyExit(of: child, closing: pipes.exitNotice.write)
            var inputBytes: [UInt8] = []
            if case .bytes(let bytes) = spec.input { inputBytes = bytes }
            var supervisor = ProcessSupervisor(
                child: child, exitNotice: pipes.exitNotice.read, input: pipes.input?.write, inputBytes: inputBytes,
                output: pipes.output?.read, error: pipes.error?.read,
                deadline: timeout.map { ContinuousClock.now.advanced(by: $0) })
            let outcome = supervisor.supervise()
            let status: ProcessStatus
            do {
                status = try child.reap()
            } catch {
                throw ProcessError(error, executable: spec.executable)
            }
            if outcome.timedOut { throw ProcessError(kind: .timedOut, executable: spec.executable) }
            if let failure = outcome.failure { throw ProcessError(failure, executable: spec.executable) }
            return ProcessResult(status: status, output: outcome.output, error: outcome.error)
        }

        /// Runs a child on mino's terminal; the spec's stream settings are ignored (all three are
        /// inherited). The child stays in mino's process group, the terminal's foreground group, so
        /// it can read the terminal.
        ///
        /// Order: attached runs are serialized; the terminal is saved, `forwarding` signals are
        /// caught, the child starts; once it ended the terminal is restored, the dispositions are
        /// put back and every caught signal has been handled; then it is reaped. Signals caught
        /// while the spawn failed still reach `onSignal` before the error is thrown. `onSignal`
        /// must not start another attached run (they are serialized: it would wait forever).
        public func runAttached(
            _ spec: ProcessSpec, forwarding: Set<ForwardedSignal>,
            onSignal: @escaping @Sendable (ForwardedSignal) -> Void
        ) throws(ProcessError) -> ProcessStatus {
            let path = try locate(spec)
            let launch = ProcessLaunch(
                path: path, arguments: [spec.executable] + spec.arguments, environment: spec.environment,
                input: .inherit, output: .inherit, error: .inherit, workingDirectory: spec.workingDirectory)
            let forwarder: SignalForwarder
            do {
                forwarder = try SignalForwarder.begin(forwarding)
            } catch {
                throw ProcessError(error, executable: spec.executable)
            }
            let terminalState = TerminalState.save(terminal)
            let spawned = Result { () throws(SystemCallError) -> ChildProcess in
                ChildProcess(pid: try launch.spawn(), leadsProcessGroup: false)
            }
            let child = try? spawned.get()
            forwarder.deliver(to: child, onSignal)
            child?.waitForExit()
            terminalState?.restore()
            forwarder.end()
            do {
                return try spawned.get().reap()
            } catch {
                throw ProcessError(error, executable: spec.executable)
            }
        }

        /// Starts a child in a new session (no controlling terminal, its own process group) and
        /// returns its pid without waiting.
        ///
        /// Every stream must be `.null`: an inherited one would tie the child to mino's terminal
        /// and captured ones would need mino to stay; anything else fails with `spawnFailed` and
        /// `EINVAL` before anything starts. The child is reaped on a background thread when it ends,
        /// so it never lingers as a zombie while mino keeps running; from then on its pid may be
        /// reused, so callers identify a supervisor by more than the pid.
        public func spawnDetached(_ spec: ProcessSpec) throws(ProcessError) -> Int32 {
            guard spec.input == .null, spec.output == .null, spec.error == .null else {
                throw ProcessError(kind: .spawnFailed, executable: spec.executable, code: EINVAL)
            }
            let path = try locate(spec)
            var launch = ProcessLaunch(
                path: path, arguments: [spec.executable] + spec.arguments, environment: spec.environment,
                workingDirectory: spec.workingDirectory)
            launch.newSession = true
            let pid: pid_t
            do {
                pid = try launch.spawn()
            } catch {
                throw ProcessError(error, executable: spec.executable)
            }
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            }
            return pid
        }

        private func locate(_ spec: ProcessSpec) throws(ProcessError) -> String {
            guard !spec.executable.utf8.contains(0) else {
                throw ProcessError(kind: .spawnFailed, executable: spec.executable, code: EINVAL)
            }
            guard let path = ExecutableLocator.locate(spec.executable, environment: spec.environment) else {
                throw ProcessError(kind: .notFound, executable: spec.executable)
            }
            return path
        }

        private static func stream(_ output: ProcessSpec.Output) -> ProcessLaunch.Stream {
            switch output {
            case .capture, .null: return .null
            case .inherit: return .inherit
            }
        }
    }
#endif
