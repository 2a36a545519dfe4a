import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct CommandSpecValidationTests {
    @Test func theMinoTreeHasNoProblems() {
        #expect(MinoCommand.spec.validationProblems() == [])
    }

    @Test func everyReferenceCommandExists() {
        let expected: Set<[String]> = [
            [], ["run"], ["plan"], ["exec"], ["list"], ["stop"], ["logs"], ["init"], ["status"], ["setup"],
            ["config"], ["config", "show"], ["config", "path"], ["config", "init"], ["config", "set"],
            ["policy"], ["policy", "check"], ["policy", "explain"], ["policy", "query"],
            ["cache"], ["cache", "list"], ["cache", "info"], ["cache", "gc"], ["cache", "clear"],
            ["completions"], ["help"],
        ]
        let hidden = Set(MinoCommand.spec.subcommands.filter(\.isHidden).map { [$0.name] })
        #expect(Set(MinoCommand.spec.allPaths).subtracting(hidden) == expected)
        #expect(hidden == [["supervise"], ["fence-hook"]])
    }

    @Test func hiddenCommandsStayOutOfHelp() {
        let run = MinoRun(["--help"])
        #expect(!run.stdout.contains("supervise"))
        #expect(!run.stdout.contains("fence-hook"))
    }

    @Test func runAndPlanShareTheRunOptions() throws {
        let run = try #require(MinoCommand.spec.subcommand(named: "run"))
        let plan = try #require(MinoCommand.spec.subcommand(named: "plan"))
        let runKeys = Set(run.options.map(\.key))
        #expect(runKeys.isSubset(of: Set(plan.options.map(\.key))))
        #expect(runKeys.count == RunOptions.groups.flatMap(\.options).count)
    }

    @Test func everyRegisteredHandlerNamesACommand() {
        for path in CommandRegistry.standard.paths {
            #expect(MinoCommand.spec.chain(to: path) != nil, "\(path)")
        }
    }

    // Each declaration below breaks one rule; the check must name it.

    static func problems(_ command: CommandSpec, globals: [OptionSpec] = []) -> [String] {
        CommandSpec(
            name: "t", abstract: "Test", globalOptionGroups: [OptionGroup(title: "GLOBAL", options: globals)],
            subcommands: [command]
        ).validationProblems()
    }

    static func command(
        options: [OptionSpec] = [], arguments: [ArgumentSpec] = [], constraints: [OptionConstraint] = []
    )
        -> CommandSpec
    {
        CommandSpec(
            name: "x", abstract: "X", optionGroups: [OptionGroup(title: nil, options: options)], arguments: arguments,
            constraints: constraints)
    }

    @Test func duplicateNamesAreFound() {
        let twice = Self.problems(
            Self.command(options: [OptionSpec(.detach, help: "A"), OptionSpec(.detach, help: "B")]))
        #expect(twice.contains("`t x`: `--detach` is declared twice"))
        let shortTwice = Self.problems(
            Self.command(options: [
                OptionSpec(.detach, short: "d", help: "A"), OptionSpec(.dryRun, short: "d", help: "B"),
            ]))
        #expect(shortTwice.contains("`t x`: `-d` is declared twice"))
        let clashWithGlobal = Self.problems(
            Self.command(options: [OptionSpec(.detach, short: "v", help: "A")]),
            globals: [OptionSpec(.verbose, short: "v", kind: .counter, help: "V")])
        #expect(clashWithGlobal.contains("`t x`: `-v` is declared twice"))
        let inversionClash = Self.problems(
            Self.command(options: [
                OptionSpec(.github, kind: .inversion, help: "A"), OptionSpec(OptionKey("no-github"), help: "B"),
            ]))
        #expect(inversionClash.contains("`t x`: `--no-github` is declared twice"))
        let builtIn = Self.problems(Self.command(options: [OptionSpec(.detach, short: "h", help: "A")]))
        #expect(builtIn.contains("`t x`: `-h` is declared twice"))
    }

    @Test func badShortAndLongNamesAreFound() {
        let problems = Self.problems(
            Self.command(options: [OptionSpec(.detach, short: "-", help: "A"), OptionSpec(OptionKey("-x"), help: "B")]))
        #expect(problems.contains("`t x`: short name of `--detach` is not one ASCII letter or digit"))
        #expect(problems.contains("`t x`: long name `-x` is not a plain word"))
    }

    @Test func positionalOrderIsChecked() {
        let problems = Self.problems(
            Self.command(arguments: [
                ArgumentSpec(.files, help: "F", isOptional: true, isRepeating: true), ArgumentSpec(.key, help: "K"),
            ]))
        #expect(problems.contains("`t x`: argument <key> follows a repeating argument"))
        #expect(problems.contains("`t x`: required argument <key> follows an optional one"))
    }

    @Test func defaultsMustBeAllowedAndWellFormed() {
        let problems = Self.problems(
            Self.command(options: [
                OptionSpec(
                    .format, kind: .option(valueName: "f"), help: "F", defaultValue: "yaml", allowedValues: ["json"]),
                OptionSpec(
                    .lines, kind: .option(valueName: "n"), help: "N", defaultValue: "-1", format: .unsignedInteger),
            ]))
        #expect(problems.contains("`t x`: default `yaml` of `--format` is not an allowed value"))
        #expect(problems.contains("`t x`: default `-1` of `--lines` is not a whole number"))
    }

    @Test func constraintsMustNameExistingOptions() {
        let problems = Self.problems(
            Self.command(options: [OptionSpec(.all, help: "A")], constraints: [.conflicts(.all, with: [.volumes])]))
        #expect(problems.contains("`t x`: a constraint names `--volumes`, which the command does not have"))
    }

    @Test func textEnvironmentAndDefaultSubcommandAreChecked() {
        let problems = CommandSpec(
            name: "t", abstract: "Test.",
            subcommands: [
                Self.command(options: [
                    OptionSpec(.config, kind: .option(valueName: "p"), help: "", environment: "mino_config")
                ])
            ],
            defaultSubcommand: "nope"
        ).validationProblems()
        #expect(problems.contains("`t`: abstract ends with a period"))
        #expect(problems.contains("`t x`: help of `--config` is empty"))
        #expect(problems.contains("`t x`: environment variable `mino_config` of `--config` is not an upper-case name"))
        #expect(problems.contains("`t`: default subcommand `nope` does not exist"))
    }

    @Test func flagsCannotDeclareValueProperties() {
        let problems = Self.problems(Self.command(options: [OptionSpec(.detach, help: "D", allowedValues: ["a"])]))
        #expect(
            problems.contains(
                "`t x`: `--detach` takes no value but declares allowed values, a default, a format or sensitivity"))
    }
}
