import Diagnostics
import HostProcess
import MinoCLI
import PolicyExecutor

#if canImport(Glibc)
    import Glibc
#endif

/// `mino fence-hook --ruleset FILE --socket PATH --nft PATH` (internal, hidden): the OCI
/// `createRuntime` hook of an allowlist session, run by the container runtime with the
/// container's state on standard input. It loads the fence into the container's network
/// namespace and hands the resolver's sockets to the session's mino process; a failure stops
/// the container from starting.
enum FenceHookCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "fence-hook", abstract: "Load a session's fence from its OCI hook (run by the container runtime)",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.ruleset, kind: .option(valueName: "file"), help: "The nft ruleset to load"),
                    OptionSpec(.socket, kind: .option(valueName: "path"), help: "The session's handoff socket"),
                    OptionSpec(.nft, kind: .option(valueName: "path"), help: "The nft executable"),
                ])
        ], isHidden: true)

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        guard let ruleset = parsed.string(.ruleset), let socket = parsed.string(.socket), let nft = parsed.string(.nft)
        else {
            context.standardError.write("mino fence-hook: --ruleset, --socket and --nft are required\n")
            return .usageError
        }
        // The OCI state is one small JSON document; more than 1 MiB is not one.
        var state: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while state.count <= 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            state += chunk[0..<count]
        }
        do {
            try FenceHook.perform(
                FenceHook.Request(rulesetPath: ruleset, socketPath: socket, nft: nft), state: state,
                runner: context.commandRunner ?? SystemCommandRunner())
        } catch {
            context.standardError.write(Diagnostic.shown(error.description) + "\n")
            return .failure
        }
        return .success
    }
}
