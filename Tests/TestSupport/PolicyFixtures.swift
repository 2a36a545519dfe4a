import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML

/// The fixed fake environment of compiler and golden tests: nothing here depends on the
/// machine that runs the tests.
public enum PolicyFixtures {
    /// The fake host: Linux, rootless, uid/gid 1000, home `/home/agent`.
    public static let facts = HostFacts(
        platform: .linux, userID: 1000, groupID: 1000, userName: "agent", homeDirectory: "/home/agent",
        isRootless: true, cgroupVersion: 2, pidsLimitSupported: true, podmanVersion: "4.3.1",
        containerResolvers: ["10.88.0.1", "fd00::1"],
        resolvedAddresses: [
            "github.com": ["140.82.112.3", "140.82.112.4"],
            "api.github.com": ["140.82.112.5"],
            "registry.npmjs.org": ["104.16.0.35", "2606:4700::6810:23"],
        ], sshAuthSocket: nil, hardLimits: ["nofile": 524_288, "nproc": 127_000], minoVersion: "9.9.9-test",
        imageIDs: [ImageResolution.baseImage: baseImageID], memoryTotalMB: 15_872)

    /// The fake local ID of the base image.
    public static let baseImageID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    /// Where the fake user's layers live (`layers` beside `~/.config/mino/config.toml`).
    public static let userLayersDirectory = "/home/agent/.config/mino/layers"

    /// The fake project directory.
    public static let projectDirectory = "/home/agent/src/my-app"

    /// A layer decoded from TOML text; traps on invalid text (fixtures are written correctly).
    public static func layer(_ text: String, _ kind: ConfigSourceKind, path: String? = nil) -> ConfigLayer {
        let file = SourceFile(path: path ?? "\(kind).toml", text: text)
        let (layer, diagnostics) = ConfigDecoder.decode(file, as: kind)
        precondition(diagnostics.allSatisfy { $0.severity != .error }, "fixture does not decode: \(diagnostics)")
        return layer ?? ConfigLayer(kind: kind)
    }

    /// A request for the fake project.
    public static func request(
        command: [String]? = nil, volumes: [String] = [], name: String? = nil
    ) -> RunRequest {
        let origin = Origin.builtin
        return RunRequest(
            projectDirectory: Sourced(projectDirectory, origin), command: command.map { Sourced($0, origin) },
            sessionName: name.map { Sourced($0, origin) }, volumes: volumes.map { Sourced($0, origin) })
    }

    /// Compiles layers (the defaults are prepended) for the fake host.
    public static func compile(
        _ layers: [ConfigLayer], request: RunRequest = request(), facts: HostFacts = facts
    ) throws(DiagnosticError) -> PolicyCompilation.Output {
        try PolicyCompilation.compile(EffectiveConfig(layers: [.defaults] + layers), request: request, facts: facts)
    }
}
