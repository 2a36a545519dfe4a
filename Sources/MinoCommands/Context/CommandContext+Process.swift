import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CommandContext {
    /// The context of the running process: its arguments, environment, working directory,
    /// standard streams and terminal. Only `main.swift` calls this.
    public static func process() -> CommandContext {
        CommandContext(
            arguments: Array(CommandLine.arguments.dropFirst()),
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath,
            standardOutput: .fileDescriptor(STDOUT_FILENO),
            standardError: .fileDescriptor(STDERR_FILENO),
            standardInput: .standardInput,
            standardInputIsTerminal: isatty(STDIN_FILENO) == 1,
            standardOutputIsTerminal: isatty(STDOUT_FILENO) == 1,
            standardErrorIsTerminal: isatty(STDERR_FILENO) == 1,
            terminalWidth: terminalColumns(STDOUT_FILENO), commandRunner: SystemCommandRunner(),
            executablePath: executablePath())
    }

    /// The absolute path of the running executable (`/proc/self/exe`), for starting mino again.
    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first.flatMap { $0.hasPrefix("/") ? $0 : nil } }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The column count a terminal reports, or `nil` when the descriptor is not a terminal.
    private static func terminalColumns(_ descriptor: Int32) -> Int? {
        var size = winsize()
        let result = withUnsafeMutablePointer(to: &size) { ioctl(descriptor, UInt(TIOCGWINSZ), $0) }
        guard result == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
