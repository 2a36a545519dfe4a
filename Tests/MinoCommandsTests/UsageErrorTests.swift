import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct UsageErrorTests {
    @Test func unknownOptionIsRenderedInFullToStandardError() {
        let run = MinoRun(["run", "--netwrk", "host"])
        #expect(run.status == 64)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == """
                error[cli.unknown-option]: unknown option `--netwrk`
                  |
                  | mino run --netwrk host
                  |          ^^^^^^^^
                  = help: did you mean `--network`?
                Usage: mino run [<options>] [-- <command> ...]
                  See 'mino run --help' for more information.

                """)
    }

    @Test func missingSubcommandStillShowsTheUsage() {
        let run = MinoRun([])
        #expect(run.status == 64)
        #expect(run.code == "cli.missing-subcommand")
        #expect(run.stderr.contains("error[cli.missing-subcommand]: `mino` needs a subcommand\n"))
        #expect(
            run.stderr.hasSuffix("Usage: mino [<options>] <subcommand>\n  See 'mino --help' for more information.\n"))
        let cache = MinoRun(["cache"])
        #expect(cache.stderr.contains("= help: add one of `list`, `info`, `gc` or `clear`"))
    }

    /// Each case: the arguments, the code, and exactly what the carets underline.
    @Test(arguments: [
        (["run", "--netwrk"], "cli.unknown-option", "--netwrk"),
        (["run", "--netwrk=host"], "cli.unknown-option", "--netwrk"),
        (["run", "-dxn", "a"], "cli.unknown-option", "x"),
        (["run", "-x"], "cli.unknown-option", "-x"),
        (["run", "-n"], "cli.missing-value", "-n"),
        (["run", "-dn"], "cli.missing-value", "n"),
        (["run", "--name", "--detach"], "cli.missing-value", "--name"),
        (["run", "--detach=yes"], "cli.unexpected-value", "yes"),
        (["run", "--network", "wifi"], "cli.invalid-value", "wifi"),
        (["run", "--network=wifi"], "cli.invalid-value", "wifi"),
        (["--color=blue", "list"], "cli.invalid-value", "blue"),
        (["logs", "s", "-l5x"], "cli.invalid-value", "5x"),
        (["run", "--layers", "a,,b"], "cli.invalid-value", ","),
        (["run", "--network-allow=a:1,b:2,", "-d"], "cli.invalid-value", " "),
        (["run", "-n", "a", "--name=b"], "cli.duplicate-option", "--name"),
        (["stop", "a", "b"], "cli.unexpected-argument", "b"),
        (["run", "claude"], "cli.unexpected-argument", "claude"),
        (["completions", "tcsh"], "cli.invalid-value", "tcsh"),
        (["cache", "clear", "--all", "--home"], "cli.conflicting-options", "--home"),
        (["run", "--all-clouds", "--aws"], "cli.conflicting-options", "--aws"),
        (["run", "--no-github", "--github"], "cli.conflicting-options", "--github"),
        (["-q", "list", "-v"], "cli.conflicting-options", "-v"),
        (["cache", "clear", "-y"], "cli.missing-option", "clear"),
        (["rnu"], "cli.unknown-command", "rnu"),
        (["cache", "lst"], "cli.unknown-command", "lst"),
        (["help", "cache", "lst"], "cli.unknown-command", "lst"),
    ])
    func caretsUnderlineTheOffendingPart(arguments: [String], code: String, underlined: String) throws {
        let run = MinoRun(arguments)
        #expect(run.status == 64)
        #expect(run.code == code)
        let shown = try #require(run.underlined, "no caret line in:\n\(run.stderr)")
        #expect(shown.text == underlined, "\(run.stderr)")
    }

    @Test func caretColumnsAreExact() throws {
        #expect(MinoRun(["run", "-dxn", "a"]).underlined?.column == 11)
        #expect(MinoRun(["run", "--detach=yes"]).underlined?.column == 18)
        #expect(MinoRun(["run", "--layers", "a,,b"]).underlined?.column == 20)
        #expect(MinoRun(["logs", "s", "-l5x"]).underlined?.column == 14)
    }

    @Test func missingThingsPointJustPastTheEnd() throws {
        for arguments in [["stop"], ["cache"], ["policy", "explain"]] {
            let run = MinoRun(arguments)
            let echo = (["mino"] + arguments).joined(separator: " ")
            #expect(run.underlined?.column == echo.count + 1, "\(run.stderr)")
        }
        #expect(MinoRun(["stop"]).code == "cli.missing-argument")
    }

    @Test func packedLetterRangesCountUTF8Bytes() throws {
        let run = MinoRun(["run", "-dé"])
        #expect(run.code == "cli.unknown-option")
        #expect(run.underlined?.text == "é")
        #expect(run.stderr.contains("unknown option `-é`"))
    }

    @Test func didYouMeanCoversOptionsSubcommandsValuesAndSingleDashTypos() throws {
        #expect(MinoRun(["run", "--detatch"]).stderr.contains("did you mean `--detach`?"))
        #expect(MinoRun(["run", "--no-gihub"]).stderr.contains("did you mean `--no-github`?"))
        #expect(MinoRun(["stauts"]).stderr.contains("did you mean `status`?"))
        #expect(MinoRun(["doctr"]).stderr.contains("did you mean `doctor`?"))
        #expect(MinoRun(["config", "shw"]).stderr.contains("did you mean `show`?"))
        #expect(
            MinoRun(["run", "--network", "brige"]).stderr.contains(
                "did you mean `bridge`? use one of `bridge`, `host` or `none`"))
        #expect(MinoRun(["run", "-network", "host"]).stderr.contains("did you mean `--network`?"))
        #expect(MinoRun(["--verison"]).stderr.contains("did you mean `--version`?"))
        #expect(MinoRun(["-version"]).stderr.contains("did you mean `--version`?"))
        #expect(MinoRun(["run", "-name=x"]).underlined?.text == "-name")
        #expect(!MinoRun(["run", "--zzzzzzzz"]).stderr.contains("did you mean"))
        #expect(MinoRun(["claude"]).stderr.contains("= help: to run `claude` in a sandbox, write `mino run -- claude`"))
        #expect(MinoRun(["cache", "zap"]).stderr.contains("= help: run `mino help cache` to list the subcommands"))
    }

    @Test func invalidValueListsTheAllowedValues() throws {
        let run = MinoRun(["list", "--format", "yaml"])
        #expect(run.stderr.contains("invalid value `yaml` for `--format`"))
        #expect(run.stderr.contains("use one of `table`, `json` or `plain`"))
    }

    @Test func valueStartingWithADashNeedsTheAttachedForm() throws {
        let run = MinoRun(["run", "--name", "-x"])
        #expect(run.code == "cli.missing-value")
        #expect(run.stderr.contains("attach it: `--name=<name>`"))
        #expect(Parse.command(["run", "--name=-x"])?.string(.name) == "-x")
    }

    @Test func duplicateOptionPointsAtBothUses() throws {
        let error = try #require(Parse.error(["run", "-n", "a", "--name", "b"]))
        #expect(error.diagnostic.code == "cli.duplicate-option")
        #expect(error.diagnostic.origin?.argumentSpot?.index == 4)
        #expect(error.diagnostic.labels.first?.origin.argumentSpot?.index == 2)
    }

    @Test func missingValueAtAGroupNamesTheCommandReached() throws {
        let error = try #require(Parse.error(["cache", "gc", "--days"]))
        #expect(error.commandPath == ["cache", "gc"])
        #expect(MinoRun(["cache", "gc", "--days"]).stderr.contains("See 'mino cache gc --help' for more information."))
    }

    @Test func plainFormatIsOneLinePlusUsage() {
        let run = MinoRun(["--diagnostics-format", "plain", "run", "--netwrk"])
        #expect(
            run.stderr == """
                argv[4]: error[cli.unknown-option]: unknown option `--netwrk` (help: did you mean `--network`?)
                Usage: mino run [<options>] [-- <command> ...]
                  See 'mino run --help' for more information.

                """)
    }

    @Test func jsonFormatIsOnlyJSON() throws {
        let run = MinoRun(["run", "--netwrk", "--diagnostics-format=json"])
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("["))
        #expect(!run.stderr.contains("Usage:"))
        #expect(
            run.stderr.contains("\"code\" : \"cli.unknown-option\"")
                || run.stderr.contains("\"code\": \"cli.unknown-option\""))
    }

    @Test func colourFollowsTheChoiceTheTerminalAndNoColor() {
        let escape = "\u{1B}["
        #expect(!MinoRun(["rnu"]).stderr.contains(escape))
        #expect(MinoRun(["rnu"], stderrIsTerminal: true).stderr.contains(escape))
        #expect(!MinoRun(["rnu"], environment: ["NO_COLOR": "1"], stderrIsTerminal: true).stderr.contains(escape))
        #expect(!MinoRun(["rnu", "--color", "never"], stderrIsTerminal: true).stderr.contains(escape))
        #expect(MinoRun(["--color=always", "rnu"]).stderr.contains(escape))
        #expect(MinoRun(["rnu", "--color", "always"], environment: ["NO_COLOR": "1"]).stderr.contains(escape))
    }
}

@Suite struct ConstraintTests {
    @Test func cacheClearNeedsAtLeastOneTarget() throws {
        let error = try #require(Parse.error(["cache", "clear"]))
        #expect(error.diagnostic.code == "cli.missing-option")
        #expect(
            error.diagnostic.message == "`mino cache clear` needs one of `--volumes`, `--images`, `--home` or `--all`")
    }

    @Test(arguments: [
        ["--volumes"], ["--images"], ["--home"], ["--all"], ["--volumes", "--images", "--home"],
        ["--home", "--images"],
    ])
    func anyCombinationOfTheThreeTargetsOrAllAloneIsAccepted(targets: [String]) {
        #expect(Parse.command(["cache", "clear"] + targets) != nil)
    }

    @Test(arguments: ["--volumes", "--images", "--home"])
    func allConflictsWithEachOtherTarget(target: String) throws {
        let error = try #require(Parse.error(["cache", "clear", target, "--all"]))
        #expect(error.diagnostic.code == "cli.conflicting-options")
        #expect(error.diagnostic.message == "`\(target)` and `--all` cannot be used together")
    }

    @Test(arguments: [
        ["--aws", "--all-clouds"], ["--gcp", "--all-clouds"], ["--azure", "--all-clouds"],
        ["--layers", "a", "--image", "b"],
        ["--cache-fresh", "--no-cache"], ["--network-preset", "dev", "--network-allow", "a:1"],
    ])
    func runOptionConflictsAreEnforcedForRunAndPlan(options: [String]) throws {
        #expect(Parse.error(["run"] + options)?.diagnostic.code == "cli.conflicting-options")
        #expect(Parse.error(["plan"] + options)?.diagnostic.code == "cli.conflicting-options")
    }

    @Test func compatibleRunOptionsAreAccepted() throws {
        let parsed = try #require(Parse.command(["run", "--aws", "--gcp", "--azure", "--image", "rust", "--no-cache"]))
        #expect(parsed.flag(.aws) && parsed.flag(.gcp) && parsed.flag(.azure))
    }

    @Test func setupUninstallConflictsWithNative() throws {
        #expect(Parse.error(["setup", "--native", "--uninstall"])?.diagnostic.code == "cli.conflicting-options")
        #expect(Parse.command(["setup", "--uninstall", "-y"]) != nil)
    }

    @Test func conflictLabelsTheEarlierOption() throws {
        let error = try #require(Parse.error(["run", "--all-clouds", "-d", "--gcp"]))
        #expect(error.diagnostic.origin?.argumentSpot?.index == 4)
        #expect(error.diagnostic.labels.map(\.message) == ["given here"])
        #expect(error.diagnostic.labels.first?.origin.argumentSpot?.index == 2)
    }
}
