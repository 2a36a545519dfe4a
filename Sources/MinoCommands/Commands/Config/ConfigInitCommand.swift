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

/// `mino config init [-f]`: writes the commented default global config to the file mino reads
/// (`-c/--config`, `MINO_CONFIG`, or the platform default).
enum ConfigInitCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Write a default global config file",
        optionGroups: [
            OptionGroup(title: nil, options: [OptionSpec(.force, short: "f", help: "Overwrite an existing file")])
        ])

    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let locations = ConfigLocations(parsed: parsed, context: context)
        let path = locations.globalConfigPath
        let display = locations.display(path)
        if ConfigFileReader.isPresent(path), !parsed.flag(.force) {
            throw CommandFailure(exitCode: .failure, diagnostics: [.configExists(display)])
        }
        try ConfigFileWriter.write(ConfigTemplate.global(), to: path, displayPath: display, newFileMode: 0o600)
        context.standardOutput.write("Wrote \(display)\n")
        return .success
    }
}
