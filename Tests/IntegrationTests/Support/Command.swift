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

/// A process started in the background: its pid is the program's own (no wrapper in between),
/// so signals sent to it reach the program. Output goes to files, read when it ends.
final class Background {
    let process: Process
    let argv: [String]
    private let outPath: String
    private let errPath: String

    init(_ argv: [String], environment: [String: String], directory: String) throws {
        self.argv = argv
        let id = UUID().uuidString
        outPath = NSTemporaryDirectory() + "mino-it-out-\(id)"
        errPath = NSTemporaryDirectory() + "mino-it-err-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits at most `timeout` seconds; on timeout the process is killed and the result says so.
    func wait(timeout: Double) -> CommandResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        return CommandResult(
            status: process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: timedOut, argv: argv)
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
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
