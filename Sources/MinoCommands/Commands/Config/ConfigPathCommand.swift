import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// `mino config path`: the global config file this invocation uses (honouring `--config` and
/// `MINO_CONFIG`), whether or not it exists.
enum ConfigPathCommand: RunnableCommand {
    static let spec = CommandSpec(name: "path", abstract: "Print the path of the global config file")

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let locations = ConfigLocations(parsed: parsed, context: context)
        context.standardOutput.write(locations.globalConfigPath + "\n")
        return .success
    }
}
