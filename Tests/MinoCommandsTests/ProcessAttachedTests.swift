#if canImport(Glibc)
    import Foundation
    import Glibc
    import Testing

    @testable import HostProcess
    @testable import MinoCLI
    @testable import MinoCommands
    @testable import PolicyExecutor

    extension ProcessTests {
        @Suite struct AttachedTests {
            let runner = SystemCommandRunner()

            @Test func statusOfTheChildIsReturned() throws {
                let status = try runner.runAttached(ProcessSupport.shell("exit 3"), forwarding: [.interrupt]) { _ in }
                #expect(status == .exited(3))
            }

            @Test func terminationGoesToTheHandlerAndMinoSurvives() throws {
                let directory = try TemporaryDirectory()
                let pidFile = directory.path + "/pid"
                let log = SignalLog()
                let spec = ProcessSupport.shell("echo $$ > \"$PID_FILE\"; exec sleep 10", ["PID_FILE": pidFile])
                Thread.detachNewThread {
                    // Once the child runs, the handler is in place: SIGTERM to mino itself.
                    let started = ProcessSupport.waitUntil { ProcessSupport.pid(in: pidFile) != nil }
                    if started { kill(getpid(), SIGTERM) }
                }
                let status = try runner.runAttached(spec, forwarding: [.terminate, .interrupt, .hangUp]) { signal in
                    log.append(signal)
                    // The handler decides: here it ends the child.
                    if signal == .terminate, let child = ProcessSupport.pid(in: pidFile) { kill(child, SIGKILL) }
                }
                #expect(status == .signaled(SIGKILL))
                #expect(log.signals == [.terminate])
            }

            @Test func windowChangeIsPassedOnToTheChild() throws {
                let directory = try TemporaryDirectory()
                let pidFile = directory.path + "/pid"
                let log = SignalLog()
                // Exits 3 on SIGWINCH (28); gives up after about 10 s so a failure cannot hang.
                let script = """
                    trap 'exit 3' 28; echo $$ > "$PID_FILE"
                    i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
                    """
                Thread.detachNewThread {
                    let started = ProcessSupport.waitUntil { ProcessSupport.pid(in: pidFile) != nil }
                    if started { kill(getpid(), SIGWINCH) }
                }
                let spec = ProcessSupport.shell(script, ["PID_FILE": pidFile])
                let status = try runner.runAttached(spec, forwarding: [.windowChange]) { log.append($0) }
                #expect(status == .exited(3))
                #expect(log.signals == [.windowChange])
            }

            @Test func previousDispositionsAreRestored() throws {
                let signals = ForwardedSignal.allCases.map(\.rawValue)
                var ignoreHangUp = sigaction()
                ignoreHangUp.__sigaction_handler.sa_handler = SIG_IGN
                var original = sigaction()
                sigaction(SIGHUP, &ignoreHangUp, &original)
                defer { sigaction(SIGHUP, &original, nil) }
                let before = signals.map(ProcessSupport.disposition)
                _ = try runner.runAttached(ProcessSupport.shell("exit 0"), forwarding: Set(ForwardedSignal.allCases)) {
                    _ in
                }
                #expect(signals.map(ProcessSupport.disposition) == before)
            }

            @Test func childGetsDefaultDispositionsEvenWhenMinoIgnoresASignal() throws {
                var ignore = sigaction()
                ignore.__sigaction_handler.sa_handler = SIG_IGN
                var original = sigaction()
                sigaction(SIGINT, &ignore, &original)
                defer { sigaction(SIGINT, &original, nil) }
                // SigIgn in /proc/self/status is the mask of ignored signals; SIGINT is bit 1.
                let result = try runner.run(ProcessSupport.shell("grep SigIgn /proc/$$/status"), timeout: nil)
                let mask = UInt64(
                    result.outputText.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines)
                        ?? "", radix: 16)
                #expect(mask.map { $0 & (1 << (UInt64(SIGINT) - 1)) == 0 } == true)
            }

            @Test func terminalAttributesAreRestoredAfterTheChildChangedThemAndWasKilled() throws {
                let terminal = try #require(PseudoTerminal())
                defer { terminal.close() }
                let before = try #require(terminal.attributes())
                let directory = try TemporaryDirectory()
                let changed = directory.path + "/changed"
                let script = "stty -F \"$TTY\" raw -echo && stty -F \"$TTY\" -a > \"$OUT\"; kill -KILL $$"
                let spec = ProcessSupport.shell(script, ["TTY": terminal.path, "OUT": changed])
                let status = try SystemCommandRunner(terminal: terminal.secondary).runAttached(spec, forwarding: []) {
                    _ in
                }
                #expect(status == .signaled(SIGKILL))
                let settings = try String(contentsOfFile: changed, encoding: .utf8).split(
                    whereSeparator: \.isWhitespace)
                #expect(settings.contains("-echo") && settings.contains("-icanon"))
                let after = try #require(terminal.attributes())
                #expect(after.c_lflag == before.c_lflag)
                #expect(after.c_iflag == before.c_iflag)
                #expect(after.c_oflag == before.c_oflag)
            }

            @Test func savedTerminalStateRestoresAttributes() throws {
                let terminal = try #require(PseudoTerminal())
                defer { terminal.close() }
                let before = try #require(terminal.attributes())
                let state = try #require(TerminalState.save(terminal.secondary))
                var raw = before
                raw.c_lflag &= ~tcflag_t(ECHO | ICANON)
                #expect(tcsetattr(terminal.secondary, TCSANOW, &raw) == 0)
                #expect(terminal.attributes()?.c_lflag != before.c_lflag)
                #expect(state.restore())
                #expect(terminal.attributes()?.c_lflag == before.c_lflag)
            }

            @Test func inputThatIsNotATerminalIsLeftAlone() throws {
                let pipe = try Descriptor.makePipe()
                defer {
                    Descriptor.close(pipe.read)
                    Descriptor.close(pipe.write)
                }
                #expect(TerminalState.save(pipe.read) == nil)
                let flags = fcntl(pipe.read, F_GETFL)
                let status = try SystemCommandRunner(terminal: pipe.read).runAttached(
                    ProcessSupport.shell("exit 0"), forwarding: [.interrupt]
                ) { _ in }
                #expect(status == .exited(0))
                #expect(fcntl(pipe.read, F_GETFL) == flags)
            }

            @Test func attachedChildSeesNoDescriptorOfMinos() throws {
                let directory = try TemporaryDirectory()
                let listing = directory.path + "/fds"
                // `exec >`: a redirection of one command would make dash keep a copy of stdout as fd 10.
                let spec = ProcessSupport.shell("exec > \"$OUT\"; ls /proc/$$/fd", ["OUT": listing])
                // Twice: the second run starts after the signal pipe exists.
                for _ in 0..<2 {
                    #expect(try runner.runAttached(spec, forwarding: [.terminate]) { _ in } == .exited(0))
                }
                let descriptors = try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n")
                // 0 may be missing when the tests run without standard input.
                #expect(Set(descriptors).isSubset(of: ["0", "1", "2"]))
                #expect(descriptors.contains("1") && descriptors.contains("2"))
            }
        }
    }

    /// A pseudo-terminal pair for terminal tests (the functions are looked up at run time: Swift's
    /// `Glibc` module does not import them).
    struct PseudoTerminal {
        let primary: Int32
        let secondary: Int32
        let path: String

        init?() {
            typealias Open = @convention(c) (Int32) -> Int32
            typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
            guard let program = dlopen(nil, RTLD_NOW),
                let openSymbol = dlsym(program, "posix_openpt"), let grantSymbol = dlsym(program, "grantpt"),
                let unlockSymbol = dlsym(program, "unlockpt"), let nameSymbol = dlsym(program, "ptsname")
            else { return nil }
            let primary = unsafeBitCast(openSymbol, to: Open.self)(O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard primary >= 0 else { return nil }
            guard unsafeBitCast(grantSymbol, to: Open.self)(primary) == 0,
                unsafeBitCast(unlockSymbol, to: Open.self)(primary) == 0,
                let name = unsafeBitCast(nameSymbol, to: Name.self)(primary)
            else {
                Glibc.close(primary)
                return nil
            }
            let path = String(cString: name)
            let secondary = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard secondary >= 0 else {
                Glibc.close(primary)
                return nil
            }
            self.primary = primary
            self.secondary = secondary
            self.path = path
        }

        func attributes() -> termios? {
            var attributes = termios()
            return tcgetattr(secondary, &attributes) == 0 ? attributes : nil
        }

        func close() {
            Glibc.close(secondary)
            Glibc.close(primary)
        }
    }

    extension ProcessSupport {
        /// The handler and flags of `signal`'s current disposition, as bytes to compare.
        static func disposition(_ signal: Int32) -> [UInt8] {
            var action = sigaction()
            sigaction(signal, nil, &action)
            return withUnsafeBytes(of: action.__sigaction_handler) { Array($0) }
                + withUnsafeBytes(of: action.sa_flags) { Array($0) }
        }
    }
#endif
