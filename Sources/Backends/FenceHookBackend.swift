import Diagnostics
import PolicyModel

/// The files of an allowlist session's fence hook, all in the session's runtime directory:
/// the OCI hook definition podman reads from `--hooks-dir`, the ruleset the hook loads, and
/// the Unix socket where the session's mino process takes the resolver's sockets.
public struct FenceHookFiles: Hashable, Sendable {
    /// The session's runtime directory.
    public let directory: String

    /// The files of the session whose runtime directory is `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// The directory podman is given with `--hooks-dir`.
    public var hooksDirectory: String { directory + "/hooks" }
    /// The hook definition.
    public var hookFile: String { hooksDirectory + "/mino-fence.json" }
    /// The `nft -f` input.
    public var rulesetFile: String { directory + "/fence.nft" }
    /// Where the session's mino process listens for the hook.
    public var socket: String { directory + "/resolver.sock" }

    /// The runtime files of session `session` on a host with `facts`.
    public init(facts: HostFacts, session: String) {
        self.init(directory: facts.runtimeDirectory + "/" + session)
    }
}

/// The OCI hook definition (podman's hooks format 1.0.0) that runs `mino fence-hook` at the
/// `createRuntime` stage of every container started with the session's `--hooks-dir`: after
/// the namespaces exist, before the agent runs, inside the runtime's namespaces.
public struct FenceHookDefinition: RenderedArtifact, Hashable {
    public let rendered: String
    public let lines: [ArtifactLine]
    public var enforcement: [EnforcementReport] { [] }

    /// The hook of `files`, run as `mino` (absolute) with `nft` (absolute).
    public init(files: FenceHookFiles, mino: String, nft: String, origin: Origin?) {
        let arguments = [
            "mino", "fence-hook", "--ruleset", files.rulesetFile, "--socket", files.socket, "--nft", nft,
        ]
        let document = JSONValue.object([
            "version": .string("1.0.0"),
            "hook": .object([
                "path": .string(mino), "args": .array(arguments.map(JSONValue.string)), "timeout": .integer(30),
            ]),
            "when": .object(["always": .bool(true)]),
            "stages": .array([.string("createRuntime")]),
        ])
        rendered = document.rendered(pretty: true) + "\n"
        lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            ArtifactLine(String($0), origin: origin)
        }
    }
}

/// Where the session resolver listens inside the container's network namespace (the sandbox's
/// only nameserver in allowlist mode); the executor binds exactly this address.
public enum EgressPolicyAddress {
    /// Loopback in the session's namespace, port 53.
    public static let resolver = IPAddress.loopbackIPv4.description
    /// `resolver`, port 53.
    public static let resolverEndpoint = ResolverEndpoint(address: .loopbackIPv4, port: 53)
}
