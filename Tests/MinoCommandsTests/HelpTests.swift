import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct HelpTests {
    @Test(arguments: MinoCommand.spec.allPaths)
    func everyFormOfHelpPrintsTheSameTextToStandardOutput(path: [String]) {
        let viaCommand = MinoRun(["help"] + path)
        let viaLong = MinoRun(path + ["--help"])
        let viaShort = MinoRun(path + ["-h"])
        for run in [viaCommand, viaLong, viaShort] {
            #expect(run.status == 0)
            #expect(run.stderr.isEmpty)
        }
        #expect(!viaCommand.stdout.isEmpty)
        #expect(viaLong.stdout == viaCommand.stdout)
        #expect(viaShort.stdout == viaCommand.stdout)
    }

    @Test(arguments: MinoCommand.spec.allPaths)
    func everyCommandIsReachableThroughHelp(path: [String]) throws {
        guard case .help(let resolved) = try Parse.outcome(["help"] + path) else {
            Issue.record("mino help \(path) is not help")
            return
        }
        #expect(resolved == path)
    }

    @Test func helpIsPrintedForTheCommandReachedSoFar() throws {
        guard case .help(let path) = try Parse.outcome(["-v", "cache", "--help", "clear"]) else {
            Issue.record("not help")
            return
        }
        #expect(path == ["cache"])
        guard case .help(let packed) = try Parse.outcome(["run", "-dh"]) else {
            Issue.record("not help")
            return
        }
        #expect(packed == ["run"])
    }

    @Test func helpThroughAnAliasShowsTheCommand() {
        #expect(MinoRun(["help", "doctor"]).stdout == MinoRun(["help", "status"]).stdout)
        #expect(MinoRun(["doctor", "--help"]).stdout.hasPrefix("OVERVIEW: Check that this host can run sandboxes"))
    }

    @Test func rootHelpHasEverySectionAndDocumentsExitCodes() {
        let help = MinoRun(["--help"]).stdout
        let headings = ["OVERVIEW:", "EXIT CODES:", "USAGE:", "GLOBAL OPTIONS:", "OPTIONS:", "SUBCOMMANDS:"]
        let positions = headings.compactMap { help.range(of: $0)?.lowerBound }
        #expect(positions.count == headings.count)
        #expect(positions == positions.sorted())
        for line in [
            "0   success", "64  bad command line", "65  invalid policy or TOML", "66  policy file missing",
            "69  command not available in this build", "1   the executor failed", "agent's own exit code",
        ] {
            #expect(help.contains(line), "missing \(line)")
        }
        #expect(help.hasSuffix("  See 'mino help <subcommand>' for detailed help.\n"))
    }

    @Test func helpShowsEnvironmentDefaultsAndAllowedValues() {
        let help = MinoRun(["help", "run"], width: 200).stdout
        #expect(help.contains("env: MINO_CONFIG"))
        #expect(help.contains("env: MINO_TRUST_LOCAL"))
        #expect(help.contains("values: dev, registries"))
        #expect(help.contains("--github/--no-github"))
        #expect(help.contains("default: on"))
        #expect(MinoRun(["help", "logs"]).stdout.contains("(default: 100)"))
        #expect(MinoRun(["help", "config"]).stdout.contains("show (default)"))
    }

    @Test func hiddenOptionsParseButAreNotShown() throws {
        let hidden = OptionSpec(OptionKey("debug-dump"), help: "Internal", isHidden: true)
        let root = CommandSpec(
            name: "mino", abstract: "Test",
            subcommands: [
                CommandSpec(name: "x", abstract: "X", optionGroups: [OptionGroup(title: nil, options: [hidden])])
            ])
        let help = try #require(HelpRenderer(root: root, width: 80).help(for: ["x"]))
        #expect(!help.contains("debug-dump"))
        guard case .command(let parsed) = try CommandLineParser(root: root).parse(["x", "--debug-dump"]) else {
            Issue.record("not a command")
            return
        }
        #expect(parsed.flag(OptionKey("debug-dump")))
    }

    @Test func widthComesFromColumnsThenTheTerminalThenEighty() {
        #expect(CommandContext(arguments: [], environment: ["COLUMNS": "100"], terminalWidth: 120).helpWidth == 100)
        #expect(CommandContext(arguments: [], environment: ["COLUMNS": "abc"], terminalWidth: 120).helpWidth == 120)
        #expect(CommandContext(arguments: [], environment: ["COLUMNS": "0"]).helpWidth == 80)
        #expect(CommandContext(arguments: []).helpWidth == 80)
    }

    @Test(arguments: [1, 20, 40, 60, 100, 200])
    func helpLinesFitTheWidth(width: Int) {
        let effective = max(width, HelpRenderer.minimumWidth)
        for path in MinoCommand.spec.allPaths {
            let help = MinoRun(["help"] + path, width: width).stdout
            for line in help.split(separator: "\n") where line.count > effective {
                // Only a single unbreakable word may overflow.
                #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "\(width): \(line)")
            }
        }
    }

    @Test func columnsWrapsHelpNarrower() {
        let narrow = MinoRun(["help", "run"], environment: ["COLUMNS": "50"], width: nil).stdout
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 50 || !$0.dropFirst(26).contains(" ") })
        #expect(narrow != MinoRun(["help", "run"]).stdout)
    }

    @Test(arguments: [["--version"], ["-V"], ["run", "--version"], ["cache", "clear", "-V"], ["help", "--version"]])
    func versionIsPrintedAtEveryLevel(arguments: [String]) {
        let run = MinoRun(arguments)
        #expect(run.status == 0)
        #expect(run.stdout == "mino \(MinoRun.testVersion)\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func theBuildVersionIsAConstant() {
        #expect(MinoVersion.current == "0.1.0")
        #expect(CommandContext(arguments: []).version == MinoVersion.current)
    }

    @Test func helpAndVersionRefuseAValue() {
        #expect(MinoRun(["--help=run"]).code == "cli.unexpected-value")
        #expect(MinoRun(["--version=2"]).code == "cli.unexpected-value")
    }
}
