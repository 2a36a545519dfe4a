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
enum ConfigInitCommand {
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

/// `mino init [-f] [-p DIR]`: writes a commented `.mino.toml` that changes nothing until edited.
enum ProjectInitCommand {
    static func run(_ parsed: ParsedCommand, _ context: CommandContext) throws -> ExitCode {
        let locations = ConfigLocations(parsed: parsed, context: context)
        let directory =
            parsed.string(.path).map {
                ConfigLocations.absolute(
                    ConfigLocations.expandingTilde($0, home: locations.home), from: context.currentDirectory)
            } ?? context.currentDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(
                exitCode: .noInput,
                diagnostics: [
                    .error(
                        "init.no-directory", "`\(directory)` is not a directory", at: parsed.value(.path)?.origin,
                        help: "create it first, or pass an existing project directory with -p")
                ])
        }
        let path = ConfigLocations.normalised(directory) + "/" + ConfigLocations.projectFileName
        let display = locations.display(path)
        if ConfigFileReader.isPresent(path), !parsed.flag(.force) {
            throw CommandFailure(exitCode: .failure, diagnostics: [.configExists(display)])
        }
        try ConfigFileWriter.write(ConfigTemplate.project(), to: path, displayPath: display, newFileMode: 0o644)
        context.standardOutput.write("Wrote \(display); check it with `mino policy check \(display)`\n")
        return .success
    }
}
