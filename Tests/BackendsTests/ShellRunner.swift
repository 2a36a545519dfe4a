import Foundation

/// Runs generated shell scripts with `/bin/sh` in a scratch directory, with stub programs in
/// front of `PATH`. Test-only I/O.
struct ShellRunner {
    /// The scratch directory (removed by `cleanUp`).
    let directory: URL

    /// The result of a run.
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mino-backends-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("bin"), withIntermediateDirectories: true)
    }

    /// Where stubs live; put it first in `PATH`.
    var bin: URL { directory.appendingPathComponent("bin") }

    /// Writes an executable stub script named `name` into `bin`.
    func stub(_ name: String, _ body: String) throws {
        let url = bin.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// Runs `executable` with `arguments`, `PATH` = stubs then the usual system directories.
    func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = [
            "PATH": bin.path + ":/usr/bin:/bin:/usr/sbin:/sbin", "MINO_TEST_DIR": directory.path, "LC_ALL": "C",
        ]
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The content of a file in the scratch directory, if it exists.
    func file(_ name: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Splits NUL-terminated output into its elements.
    static func nulSeparated(_ data: Data) -> [String] {
        var elements = data.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if elements.last == "" { elements.removeLast() }
        return elements
    }

    /// The host's own IPv4 and IPv6 INPUT and OUTPUT rules (`iptables -S`, `ip6tables -S`; the
    /// chains podman's networks change concurrently are left out), to check that a test loading
    /// a fence into a new namespace left the host's untouched.
    static func hostFirewall() -> String {
        var text = ""
        for tool in ["/usr/sbin/iptables", "/usr/sbin/ip6tables"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-S"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            let rules = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in rules.split(separator: "\n")
            where ["-P INPUT", "-P OUTPUT", "-A INPUT", "-A OUTPUT"].contains(where: { line.hasPrefix($0) }) {
                text += line + "\n"
            }
            process.waitUntilExit()
        }
        return text
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
