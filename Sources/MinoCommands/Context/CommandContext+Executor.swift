import Diagnostics
import MinoCLI
import PolicyExecutor
import PolicyModel

/// Where the command layer meets the executor: values in, exit codes out.
extension CommandFailure {
    /// The exit status for an executor failure, chosen here and only here.
    init(_ failure: ExecutorFailure) {
        let code: ExitCode
        switch failure.kind {
        case .failed: code = .failure
        case .invalidInput: code = .dataError
        case .missingInput: code = .noInput
        case .invalidRequest: code = .usageError
        case .unavailable: code = .unavailable
        }
        self.init(exitCode: code, diagnostics: failure.diagnostics)
    }

    /// Runs executor code, turning its failure into a command failure.
    static func mapping<Result>(_ body: () throws(ExecutorFailure) -> Result) throws(CommandFailure) -> Result {
        do {
            return try body()
        } catch {
            throw CommandFailure(error)
        }
    }
}

extension Executor {
    /// The executor of a command: the context's environment and runner.
    init(context: CommandContext) throws(CommandFailure) {
        let runner = try context.runner()
        self = try CommandFailure.mapping { () throws(ExecutorFailure) in
            try Executor(environment: context.environment, runner: runner)
        }
    }
}

extension ConfigLocations {
    /// The locations of a command, with `-c/--config` (or `MINO_CONFIG`) when given.
    init(parsed: ParsedCommand, context: CommandContext) {
        self.init(context: context, explicit: parsed.value(.config))
    }

    /// The locations of a context, with the global config file named by `explicit`.
    init(context: CommandContext, explicit: ParsedValue? = nil) {
        self.init(
            environment: context.environment, currentDirectory: context.currentDirectory,
            explicit: explicit.map { Sourced($0.value, $0.origin) })
    }
}

extension HostFactsProbe {
    /// The facts of the host a command runs on (or the context's fixed facts, in tests).
    static func probe(context: CommandContext) -> HostFacts {
        probe(
            environment: context.environment, version: context.version, executablePath: context.executablePath,
            override: context.hostFacts)
    }
}
