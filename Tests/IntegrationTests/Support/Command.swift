import Foundation

/// What a finished command printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    var argv: [String]

    var succeeded: Bool { status == 0 && !timedOut }
    var output: String { stdout + stderr }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }

    var description: String {
        "`\(argv.joined(separator: " "))` -> status \(status)\(timedOut ? " (timed out)" : "")\n"
            + "stdout:\n\(stdout)\nstderr:\n\(stderr)"
    }
}

/// A process started in the background the way a login shell starts a program: no signal
/// blocked, default dispositions, no inherited descriptors but standard input (/dev/null),
/// output and error (files, read when it ends). Its pid is the program's own (no wrapper in
/// between), so signals sent to it reach the program.
///
/// Foundation's `Process` would pass on the test runner's signal mask (SIGINT and SIGTERM are
/// blocked on its threads), which no user's shell does.
final class Background {
    let pid: pid_t
    let argv: [String]
    private let outPath: String
    private let errPath: String
    private var exitStatus: Int32?

    init(_ argv: [String], environment: [String: String], directory: String, blocking: [Int32] = []) throws {
        self.argv = argv
        let id = UUID().uuidString
        outPath = NSTemporaryDirectory() + "mino-it-out-\(id)"
        errPath = NSTemporaryDirectory() + "mino-it-err-\(id)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = Self.addCloseFrom(&actions, 3)
        _ = Self.addChangeDirectory(&actions, directory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in blocking { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in arguments + variables { free(pointer) }
        }
        var pid = pid_t()
        let code = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, variables)
        guard code == 0 else { throw HarnessError("cannot start \(argv[0]): \(String(cString: strerror(code)))") }
        self.pid = pid
    }

    // glibc 2.34+ functions the Glibc module does not import.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom = unsafeBitCast(
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np"), to: CloseFrom.self)
    private static let addChangeDirectory = unsafeBitCast(
        dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np"),
        to: ChangeDirectory.self)

    /// Whether it still runs (reaps it when it ended).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        guard reaped == pid else { return reaped == 0 }
        // Exit status as a shell reports it: the code, or 128 + the signal.
        exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return false
    }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Waits at most `timeout` seconds; on timeout the process is killed and the result says so.
    func wait(timeout: Double) -> CommandResult {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { usleep(20_000) }
        var timedOut = false
        if isRunning {
            timedOut = true
            kill(pid, SIGKILL)
            while isRunning { usleep(10_000) }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(
            status: exitStatus ?? -1, stdout: stdout, stderr: stderr, timedOut: timedOut, argv: argv)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            while isRunning { usleep(10_000) }
        }
        unlink(outPath)
        unlink(errPath)
    }
}

/// Runs host commands with a deadline, as root (the test process) or as the test user.
enum Command {
    /// The system directories every command searches.
    static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Runs `argv` (absolute program path first) to completion or until `timeout` seconds.
    static func run(
        _ argv: [String], environment: [String: String] = ["PATH": path], directory: String = "/",
        timeout: Double = 120
    ) -> CommandResult {
        do {
            return try Background(argv, environment: environment, directory: directory).wait(timeout: timeout)
        } catch {
            return CommandResult(status: -1, stdout: "", stderr: "\(error)", timedOut: false, argv: argv)
        }
    }

    /// Runs a shell command line as root, for host-side setup and checks.
    static func shell(_ script: String, timeout: Double = 60) -> CommandResult {
        run(["/bin/sh", "-c", script], timeout: timeout)
    }

    /// Polls `condition` every `interval` seconds until it holds or `timeout` passes.
    static func poll(timeout: Double, interval: Double = 0.2, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if condition() { return true }
            usleep(UInt32(interval * 1_000_000))
        } while Date() < deadline
        return condition()
    }
}
