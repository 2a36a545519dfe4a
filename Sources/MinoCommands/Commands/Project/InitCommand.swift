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

/// `mino init [-f] [-p DIR]`: writes a commented `.mino.toml` that changes nothing until edited.
enum InitCommand: RunnableCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create a commented .mino.toml for a project",
        optionGroups: [
            OptionGroup(
                title: nil,
                options: [
                    OptionSpec(.force, short: "f", help: "Overwrite an existing .mino.toml"),
                    OptionSpec(
                        .path, short: "p", kind: .option(valueName: "dir"), help: "Directory to write it to",
                        defaultDescription: "the current directory"),
                ])
        ])

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
