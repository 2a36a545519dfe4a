import Foundation

/// What the credential tests add to a harness: stand-in CLIs first on mino's PATH, a directory
/// where they count their calls, extra global configuration, and a look at the credential
/// cache. Everything lives under the harness's directory and goes with it.
extension Harness {
    /// Where stand-in CLIs are written (first on mino's PATH once `useStandIns()` ran).
    var standInDirectory: String { base + "/bin" }
    /// Where stand-ins append one line per call (`<calls>/<program>`), writable by the identity.
    var callDirectory: String { base + "/calls" }
    /// mino's credential cache under the harness state directory.
    var credentialCache: String { state + "/mino/credentials" }

    /// Puts the stand-in directory first on mino's PATH and creates the call directory.
    func useStandIns() throws {
        try ownedDirectory(standInDirectory)
        try ownedDirectory(callDirectory)
        environment["PATH"] = standInDirectory + ":" + Command.path
    }

    /// `mino run` of a command, attached, not quiet: warnings are printed (`-q` hides them).
    func runShowingWarnings(_ options: [String], _ command: [String], timeout: Double = 120) -> CommandResult {
        mino(["run"] + options + ["--"] + command, timeout: timeout)
    }

    /// A directory under the harness base, owned by the identity, mode 0755.
    @discardableResult
    func ownedDirectory(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
        let (uid, gid) = identity.ids
        chown(path, uid, gid)
        return path
    }

    /// Writes a stand-in for a vendor CLI: a shell script that first records its arguments
    /// in `<calls>/<program>` (one line per call), then runs `body`.
    func standIn(_ program: String, _ body: String) throws {
        let path = standInDirectory + "/" + program
        let script = "#!/bin/sh\necho \"$*\" >> '\(callDirectory)/\(program)'\n" + body + "\n"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    /// How many times the stand-in `program` ran, and with which arguments.
    func calls(_ program: String) -> [String] {
        let text = (try? String(contentsOfFile: callDirectory + "/" + program, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Replaces the credential tests' part of the global config (appended after the harness's
    /// own lines, which stay as written).
    func setCredentialConfig(_ text: String) throws {
        let marker = "# credential tests\n"
        let current = try String(contentsOfFile: configFile, encoding: .utf8)
        let own = current.components(separatedBy: marker)[0]
        try (own + marker + text).write(toFile: configFile, atomically: true, encoding: .utf8)
        chmod(configFile, 0o644)
    }

    /// The cache entries (file names) for `provider`.
    func cacheEntries(_ provider: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: credentialCache)) ?? []
        return files.filter { $0.hasPrefix(provider + "-") && $0.hasSuffix(".json") }.sorted()
    }

    /// `name=value` lines of a file the agent wrote into the project.
    func projectValues(_ relative: String) -> [String: String] {
        var values = [String: String]()
        for line in (projectFile(relative) ?? "").split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// The data of the last `credentials.injected` event of the audit log (`providers`,
    /// `expires_at` by provider).
    func lastInjection() -> [String: Any]? {
        auditLog.split(separator: "\n").reversed().lazy.compactMap { line -> [String: Any]? in
            guard line.contains("\"credentials.injected\""),
                let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else { return nil }
            return event["data"] as? [String: Any]
        }.first
    }
}

/// An agent command that writes the named variables (empty when unset) into `file` in the
/// project as `NAME=value` lines. Secret values go into a project file, never to mino's output.
func recordEnvironment(_ names: [String], into file: String) -> [String] {
    let script = names.map { "echo \"\($0)=${\($0):-}\"" }.joined(separator: "; ")
    return ["sh", "-c", "{ \(script); } > \(file)"]
}

/// mode, owner of a path (`nil` when missing).
func fileMode(_ path: String) -> (mode: UInt32, uid: UInt32)? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return (UInt32(info.st_mode) & 0o7777, info.st_uid)
}

/// A free TCP port on loopback (bound, read, released).
func freeLoopbackPort() -> UInt16? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    return bound ? UInt16(bigEndian: address.sin_port) : nil
}
