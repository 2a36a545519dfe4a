import Foundation
import Testing

/// Who runs mino and podman: the test user with rootless podman, or root with rootful podman
/// (then with `general.allow_root = true`, as mino refuses root otherwise).
enum Identity: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case rootless, root

    var testDescription: String { rawValue }

    /// The test user's name (`MINO_IT_USER`, default `minotest`, created by setup-integration).
    static let userName = ProcessInfo.processInfo.environment["MINO_IT_USER"] ?? "minotest"

    /// uid and gid of the identity.
    var ids: (uid: UInt32, gid: UInt32) {
        guard self == .rootless else { return (0, 0) }
        guard let entry = getpwnam(Self.userName) else { return (UInt32.max, UInt32.max) }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    var home: String {
        guard self == .rootless, let entry = getpwnam(Self.userName), let dir = entry.pointee.pw_dir else {
            return "/root"
        }
        return String(cString: dir)
    }
}

/// The enforcement of an allowlist: the host-side netns applier or the in-container wrapper.
enum Applier: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case netns, wrapper
    var testDescription: String { rawValue }
}

/// One test's world: a project directory, a state directory and a global config for mino, a
/// podman configuration, all under a fresh directory in /tmp, and every container, session
/// and network the test created — removed by `cleanUp()` (also on deinit), pass or fail.
final class Harness {
    /// Where setup-integration wrote the harness podman configuration.
    static let configDirectory = ProcessInfo.processInfo.environment["MINO_IT_DIR"] ?? "/etc/mino-integration"
    static let image = ProcessInfo.processInfo.environment["MINO_IT_IMAGE"] ?? "localhost/mino-test:latest"

    /// The mino binary built by `swift build`: `<repo>/.build/debug/mino`.
    static let mino: String = {
        if let path = ProcessInfo.processInfo.environment["MINO_IT_BINARY"] { return path }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, IntegrationTests, Tests, repo
        return reachableCopy(of: url.appendingPathComponent(".build/debug/mino").path)
    }()

    /// The built binary, copied where the rootless test user can reach it: mino re-executes its
    /// own path for a detached session's supervisor, and a clone under root's 0700 home (as on
    /// a fresh machine) would refuse the test user. The copy sits in a fresh 0755 directory.
    static func reachableCopy(of path: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mino-it-bin-\(getpid())")
        let copy = directory.appendingPathComponent("mino").path
        do {
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
            return copy
        } catch {
            return path
        }
    }

    /// Why the binary cannot be tested. `swift test` does not build the executable: run
    /// `swift build` first (scripts/test does).
    static let binaryProblem: String? =
        FileManager.default.isExecutableFile(atPath: mino) ? nil : "\(mino) is missing: run `swift build` first"

    let identity: Identity
    let base: String
    let project: String
    let state: String
    let configFile: String
    let containersConf: String
    /// Prefix of every session and container name this test creates.
    let prefix: String
    /// Extra environment for mino (e.g. PATH).
    var environment: [String: String] = [:]
    private var networks: [String] = []
    /// Volumes and images this test made (through mino), removed at clean-up.
    private var volumes: Set<String> = []
    private var images: Set<String> = []
    private var cleaned = false

    /// - Parameters:
    ///   - identity: who runs mino and podman.
    ///   - applier: `container.network_enforcement` in the global config.
    ///   - network: a podman network to use as podman's default (`--network bridge` joins it).
    /// - Throws: `HarnessError` when the binary is missing, or setup-integration has
    ///   not run; file errors.
    init(_ identity: Identity, applier: Applier = .netns, network: String? = nil) throws {
        if let problem = Self.binaryProblem { throw HarnessError(problem) }
        self.identity = identity
        prefix = "it" + String(UUID().uuidString.lowercased().prefix(6))
        base = "/tmp/mino-\(prefix)"
        project = base + "/project"
        state = base + "/state"
        configFile = base + "/config.toml"
        containersConf = base + "/containers.conf"
        let manager = FileManager.default
        try manager.createDirectory(atPath: project, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: state, withIntermediateDirectories: true)
        chmod(base, 0o755)
        chmod(project, 0o755)
        chmod(state, 0o700)
        let (uid, gid) = identity.ids
        chown(project, uid, gid)
        chown(state, uid, gid)
        var config = "[container]\nimage = \"\(Self.image)\"\nnetwork_enforcement = \"\(applier.rawValue)\"\n"
        config += "[credentials.github]\nenabled = false\n"
        if identity == .root { config = "[general]\nallow_root = true\n" + config }
        try write(configFile, config)
        let template = Self.configDirectory + "/containers-\(identity == .root ? "rootful" : "rootless").conf"
        guard var conf = try? String(contentsOfFile: template, encoding: .utf8) else {
            throw HarnessError("missing \(template): run scripts/setup-integration")
        }
        if let network { conf += "[network]\ndefault_network = \"\(network)\"\n" }
        try write(containersConf, conf)
        try writeProject("probe.py", Probe.script)
    }

    deinit { cleanUp() }

    /// A session name unique to this test.
    func name(_ suffix: String) -> String { prefix + "-" + suffix }

    /// The environment mino and podman run with.
    var processEnvironment: [String: String] {
        var environment: [String: String] = [
            "PATH": Command.path, "HOME": identity.home, "XDG_STATE_HOME": state, "MINO_CONFIG": configFile,
            "CONTAINERS_CONF": containersConf, "LC_ALL": "C.UTF-8",
        ]
        if identity == .rootless { environment["XDG_RUNTIME_DIR"] = "/run/user/\(identity.ids.uid)" }
        return environment.merging(self.environment) { $1 }
    }

    /// `argv` as this identity: `setpriv` switches to the test user and execs the program, so
    /// the pid stays the program's own.
    func argv(_ program: String, _ arguments: [String]) -> [String] {
        guard identity == .rootless else { return [program] + arguments }
        let (uid, gid) = identity.ids
        return ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", program] + arguments
    }

    func mino(_ arguments: [String], timeout: Double = 120, environment extra: [String: String] = [:]) -> CommandResult
    {
        Command.run(
            argv(Self.mino, arguments), environment: processEnvironment.merging(extra) { $1 }, directory: project,
            timeout: timeout)
    }

    /// Starts mino in the background (for signals and concurrent runs).
    func spawnMino(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Background {
        try Background(
            argv(Self.mino, arguments), environment: processEnvironment.merging(extra) { $1 }, directory: project)
    }

    /// `mino run` of a command, attached, quiet.
    func run(_ options: [String], _ command: [String], timeout: Double = 120) -> CommandResult {
        mino(["run", "-q"] + options + ["--"] + command, timeout: timeout)
    }

    func podman(_ arguments: [String], timeout: Double = 120) -> CommandResult {
        Command.run(
            argv("/usr/bin/podman", arguments), environment: processEnvironment, directory: project, timeout: timeout)
    }

    /// `mino list -a -f json`, parsed.
    func sessions() -> [[String: Any]] {
        let result = mino(["list", "-a", "-f", "json"])
        guard result.succeeded, let data = result.stdout.data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return array
    }

    /// The session file of `name`, parsed.
    func record(_ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: sessionFile(name)) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func sessionFile(_ name: String) -> String { state + "/mino/sessions/\(name).json" }
    var auditLog: String { (try? String(contentsOfFile: state + "/mino/audit.log", encoding: .utf8)) ?? "" }

    /// Names of this identity's containers (all states) whose name contains `text`.
    func containers(matching text: String) -> [String] {
        podman(["ps", "-a", "--format", "{{.Names}}"]).lines.filter { $0.contains(text) }
    }

    /// Writes a file into the project, owned by the identity.
    func writeProject(_ relative: String, _ text: String) throws {
        let path = project + "/" + relative
        try write(path, text)
        let (uid, gid) = identity.ids
        chown(path, uid, gid)
    }

    /// Appends TOML (whole tables, e.g. `[network]`, which the harness never writes itself) to
    /// the global config.
    func appendConfig(_ toml: String) throws {
        let current = try String(contentsOfFile: configFile, encoding: .utf8)
        try write(configFile, current + (toml.hasSuffix("\n") ? toml : toml + "\n"))
    }

    func projectFile(_ relative: String) -> String? {
        try? String(contentsOfFile: project + "/" + relative, encoding: .utf8)
    }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
    }

    /// Creates a podman network (removed at clean-up); `ipv6` makes it dual-stack.
    func createNetwork(_ name: String, ipv6: Bool) throws {
        _ = podman(["network", "rm", "-f", name])
        let result = podman(["network", "create"] + (ipv6 ? ["--ipv6"] : []) + [name])
        guard result.succeeded else { throw HarnessError("podman network create: \(result)") }
        networks.append(name)
    }

    /// Removes `name` (a volume) at clean-up.
    func removeVolumeAtCleanUp(_ name: String) { volumes.insert(name) }

    /// Removes `name` (an image reference) at clean-up.
    func removeImageAtCleanUp(_ name: String) { images.insert(name) }

    /// The identity's volume names.
    func volumeNames() -> Set<String> { Set(podman(["volume", "ls", "--format", "{{.Name}}"]).lines) }

    /// Removes every container of this test's sessions and listeners, its networks and files.
    func cleanUp() {
        guard !cleaned else { return }
        cleaned = true
        var names = Set(containers(matching: prefix))
        let sessions = (try? FileManager.default.contentsOfDirectory(atPath: state + "/mino/sessions")) ?? []
        for file in sessions where file.hasSuffix(".json") {
            if let record = record(String(file.dropLast(5))), let container = record["container_name"] as? String {
                names.insert(container)
            }
        }
        for name in names where !name.isEmpty { _ = podman(["rm", "-f", "-t", "0", name], timeout: 60) }
        for network in networks { _ = podman(["network", "rm", "-f", network], timeout: 60) }
        // The project's home volume, when a run used a mino image.
        let homes = podman([
            "volume", "ls", "--filter", "label=io.mino.home.project=" + project, "--format", "{{.Name}}",
        ])
        for volume in volumes.union(homes.lines).sorted() { _ = podman(["volume", "rm", "-f", volume], timeout: 60) }
        for image in images.sorted() { _ = podman(["rmi", "-f", image], timeout: 60) }
        try? FileManager.default.removeItem(atPath: base)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
}
