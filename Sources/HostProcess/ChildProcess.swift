import Diagnostics

#if canImport(Glibc)
    import Glibc

    /// A started child, identified by its pid, that mino has not reaped yet.
    ///
    /// INVARIANT: nothing signals a child after `reap()`: from then on its pid may belong to an
    /// unrelated process. Waiting with `waitForExit()` leaves it a zombie, which keeps the pid
    /// reserved, so signalling between that wait and `reap()` is safe.
    package struct ChildProcess: Sendable {
        /// Its pid.
        package var pid: pid_t
        /// Whether it leads its own process group; signals then go to the whole group, so helpers it
        /// started end with it.
        package var leadsProcessGroup: Bool

        /// Creates a value from its parts.
        package init(pid: pid_t, leadsProcessGroup: Bool) {
            self.pid = pid
            self.leadsProcessGroup = leadsProcessGroup
        }

        /// Sends `signal` to the child (and its group when it leads one); errors are ignored (it may
        /// be gone already).
        package func send(_ signal: Int32) {
            _ = kill(leadsProcessGroup ? -pid : pid, signal)
        }

        /// Blocks until the child has ended, without reaping it.
        package func waitForExit() {
            var information = siginfo_t()
            while waitid(P_PID, id_t(pid), &information, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        }

        /// Waits for the child to end, reaps it and returns how it ended.
        ///
        /// Fails with `ECHILD` when the child was reaped behind mino's back (SIGCHLD set to be
        /// ignored, or another `waitpid(-1)` in the process).
        package func reap() throws(SystemCallError) -> ProcessStatus {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                guard errno == EINTR else { throw .current }
            }
            return ProcessStatus(waitStatus: status)
        }
    }

    extension ProcessStatus {
        /// Decodes a `waitpid` status of a child that ended (`WIFEXITED`, `WEXITSTATUS`,
        /// `WTERMSIG`; the C macros are not imported into Swift). Stopped children are never
        /// reported: mino does not ask for them.
        package init(waitStatus: Int32) {
            let signal = waitStatus & 0x7f
            self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
        }
    }
#endif
