import Diagnostics
import PolicyModel
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct CommandLineParserTests {
    @Test(arguments: [
        ["run", "--name", "alpha"],
        ["run", "--name=alpha"],
        ["run", "-n", "alpha"],
        ["run", "-nalpha"],
        ["run", "-n=alpha"],
    ])
    func everyValueFormGivesTheSameValue(arguments: [String]) {
        #expect(Parse.command(arguments)?.string(.name) == "alpha")
    }

    @Test func valueRemembersItsArgvIndexAndByteRange() throws {
        let separate = try #require(Parse.command(["run", "-p", "/src"])?.value(.project))
        #expect(separate.argumentIndex == 3)
        #expect(separate.origin.argumentSpot?.range == nil)
        #expect(separate.optionOrigin?.argumentSpot?.index == 2)

        let attached = try #require(Parse.command(["run", "--name=alpha"])?.value(.name))
        #expect(attached.argumentIndex == 2)
        #expect(attached.origin.argumentSpot?.range == 7..<12)
        #expect(attached.optionOrigin?.argumentSpot?.range == 0..<6)
        #expect(attached.origin.summary == "--name")

        let packed = try #require(Parse.command(["run", "-dnbeta"])?.value(.name))
        #expect(packed.value == "beta")
        #expect(packed.origin.argumentSpot?.range == 3..<7)
        #expect(packed.optionOrigin?.argumentSpot?.range == 2..<3)
    }

    @Test func packedShortFlagsAreEachRecorded() throws {
        let parsed = try #require(Parse.command(["cache", "clear", "--all", "-y"]))
        #expect(parsed.flag(.yes))
        let packed = try #require(Parse.command(["run", "-dvv"]))
        #expect(packed.flag(.detach))
        #expect(packed.count(.verbose) == 2)
    }

    @Test func packedGroupEndingInAValueOptionTakesTheNextWord() throws {
        let parsed = try #require(Parse.command(["run", "-dn", "alpha"]))
        #expect(parsed.flag(.detach))
        #expect(parsed.string(.name) == "alpha")
    }

    @Test func countersCountEveryUse() throws {
        #expect(Parse.command(["list"])?.count(.verbose) == 0)
        #expect(Parse.command(["-vvv", "list"])?.count(.verbose) == 3)
        #expect(Parse.command(["-v", "list", "--verbose", "-v"])?.count(.verbose) == 3)
    }

    @Test func inversionPairsReportWhichSideWasGiven() throws {
        let absent = try #require(Parse.command(["run"]))
        #expect(absent.flagSetting(.github) == nil)
        #expect(absent.flag(.github) == false)
        let on = try #require(Parse.command(["run", "--github"]))
        #expect(on.flagSetting(.github)?.isOn == true)
        let off = try #require(Parse.command(["run", "--no-github", "--no-ssh-agent"]))
        #expect(off.flagSetting(.github)?.isOn == false)
        #expect(off.flagSetting(.sshAgent)?.isOn == false)
        #expect(off.flagSetting(.github)?.origin.argumentSpot?.index == 2)
    }

    @Test func repeatingOptionsAccumulateInOrder() throws {
        let parsed = try #require(Parse.command(["run", "-e", "A=1", "--env=B=2=3", "-eC=", "--volume", "/a:/b"]))
        #expect(parsed.strings(.env) == ["A=1", "B=2=3", "C="])
        #expect(parsed.values(.env).map(\.argumentIndex) == [3, 4, 5])
        #expect(parsed.keyValues(.env).map(\.key) == ["A", "B", "C"])
        #expect(parsed.keyValues(.env).map(\.value) == ["1", "2=3", ""])
        #expect(parsed.strings(.volume) == ["/a:/b"])
    }

    @Test func commaListsSplitAndAccumulateWithItemRanges() throws {
        let parsed = try #require(
            Parse.command(["run", "--network-allow", "a.com:443,b.com:443", "--network-allow=c:80"]))
        #expect(parsed.strings(.networkAllow) == ["a.com:443", "b.com:443", "c:80"])
        let spots = parsed.values(.networkAllow).compactMap(\.origin.argumentSpot)
        #expect(spots.map(\.index) == [3, 3, 4])
        #expect(spots.map(\.range) == [0..<9, 10..<19, 16..<20])
    }

    @Test func singleValueOptionWithoutValueUsesTheParserDefault() throws {
        let parsed = try #require(Parse.command(["logs", "s"]))
        #expect(parsed.value(.lines)?.value == "100")
        #expect(parsed.value(.lines)?.origin == .builtin)
        #expect(parsed.unsignedInteger(.lines) == 100)
        #expect(parsed.string(.color) == "auto")
        #expect(parsed.string(.config) == nil)
        #expect(Parse.command(["logs", "s", "-l", "0"])?.unsignedInteger(.lines) == 0)
    }

    @Test func globalOptionsWorkBeforeAndAfterTheSubcommand() throws {
        for arguments in [
            ["-c", "/x.toml", "cache", "list"], ["cache", "-c", "/x.toml", "list"],
            ["cache", "list", "--config=/x.toml"],
        ] {
            let parsed = try #require(Parse.command(arguments))
            #expect(parsed.path == ["cache", "list"])
            #expect(parsed.string(.config) == "/x.toml")
        }
    }

    @Test func subcommandOptionsAreNotAcceptedBeforeTheSubcommand() throws {
        let error = try #require(Parse.error(["cache", "--yes", "clear", "--all"]))
        #expect(error.diagnostic.code == "cli.unknown-option")
        #expect(error.diagnostic.help == "`--yes` is an option of `mino cache clear`; give it after the subcommand")
    }

    @Test func aliasesSelectTheCanonicalCommand() throws {
        #expect(Parse.command(["doctor"])?.path == ["status"])
        #expect(Parse.command(["doctor", "--format", "json"])?.string(.format) == "json")
    }

    @Test func configWithoutSubcommandRunsShow() throws {
        let parsed = try #require(Parse.command(["config"]))
        #expect(parsed.path == ["config", "show"])
        #expect(parsed.commandOrigin?.argumentSpot?.index == 1)
        #expect(Parse.command(["-q", "config"])?.path == ["config", "show"])
        #expect(Parse.command(["config", "init", "-f"])?.flag(.force) == true)
    }

    @Test func positionalArgumentsBindInOrder() throws {
        let set = try #require(Parse.command(["config", "set", "container.image", "rust", "--local"]))
        #expect(set.argument(.key)?.value == "container.image")
        #expect(set.argument(.value)?.value == "rust")
        #expect(set.argument(.value)?.argumentIndex == 4)
        #expect(set.flag(.local))
        let files = try #require(Parse.command(["policy", "check", "a.toml", "b.toml"]))
        #expect(files.arguments(.files).map(\.value) == ["a.toml", "b.toml"])
        #expect(Parse.command(["policy", "check"])?.arguments(.files).isEmpty == true)
        #expect(Parse.command(["exec"])?.argument(.session) == nil)
    }

    @Test func wordsAfterTheTerminatorAreArgumentsForCommandsWithoutPassthrough() throws {
        let parsed = try #require(Parse.command(["config", "set", "--", "session.auto_cleanup_hours", "-1"]))
        #expect(parsed.argument(.value)?.value == "-1")
        #expect(Parse.command(["stop", "--", "-odd-name"])?.argument(.session)?.value == "-odd-name")
    }

    @Test func aLoneDashIsAnOrdinaryValue() throws {
        #expect(Parse.command(["stop", "-"])?.argument(.session)?.value == "-")
        #expect(Parse.command(["run", "-n", "-"])?.string(.name) == "-")
    }
}

@Suite struct PassthroughTests {
    @Test func wordsAfterTheTerminatorBecomeTheCommand() throws {
        let parsed = try #require(Parse.command(["run", "--", "claude", "--foo"]))
        #expect(parsed.passthrough.map(\.value) == ["claude", "--foo"])
        #expect(parsed.passthrough.map(\.argumentIndex) == [3, 4])
        #expect(parsed.hasTerminator)
    }

    @Test func aBareTerminatorMeansNoCommand() throws {
        let parsed = try #require(Parse.command(["run", "--"]))
        #expect(parsed.passthrough.isEmpty)
        #expect(parsed.hasTerminator)
        let none = try #require(Parse.command(["run"]))
        #expect(none.passthrough.isEmpty)
        #expect(!none.hasTerminator)
    }

    @Test func aLaterTerminatorInsideTheCommandIsKept() throws {
        let parsed = try #require(Parse.command(["run", "-d", "--", "sh", "-c", "--", "-h", "--version"]))
        #expect(parsed.passthrough.map(\.value) == ["sh", "-c", "--", "-h", "--version"])
        #expect(parsed.flag(.detach))
    }

    @Test func helpAndOptionsAfterTheTerminatorBelongToTheCommand() throws {
        let parsed = try #require(Parse.command(["exec", "s1", "--", "ls", "--help", "-e", "A=1"]))
        #expect(parsed.argument(.session)?.value == "s1")
        #expect(parsed.passthrough.map(\.value) == ["ls", "--help", "-e", "A=1"])
    }

    @Test func optionsBeforeTheTerminatorStillParse() throws {
        let parsed = try #require(Parse.command(["plan", "--format", "json", "--network", "none", "--", "aider"]))
        #expect(parsed.string(.format) == "json")
        #expect(parsed.string(.network) == "none")
        #expect(parsed.passthrough.map(\.value) == ["aider"])
    }

    @Test func terminatorAtAGroupWithADefaultSubcommandEntersIt() throws {
        #expect(Parse.command(["config", "--"])?.path == ["config", "show"])
        let error = try #require(Parse.error(["--", "run"]))
        #expect(error.diagnostic.code == "cli.missing-subcommand")
    }
}

@Suite struct EnvironmentBindingTests {
    @Test func valueOptionReadsItsVariableWhenAbsent() throws {
        let parsed = try #require(Parse.command(["list"], environment: ["MINO_CONFIG": "/etc/mino.toml"]))
        #expect(parsed.string(.config) == "/etc/mino.toml")
        #expect(parsed.value(.config)?.origin == .environment(variable: "MINO_CONFIG"))
        #expect(parsed.value(.config)?.argumentIndex == nil)
    }

    @Test func theCommandLineBeatsTheEnvironment() throws {
        let parsed = try #require(
            Parse.command(["list", "-c", "/mine.toml"], environment: ["MINO_CONFIG": "/env.toml"]))
        #expect(parsed.string(.config) == "/mine.toml")
        #expect(parsed.value(.config)?.argumentIndex == 3)
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        #expect(Parse.command(["list"], environment: ["MINO_CONFIG": ""])?.string(.config) == nil)
    }

    @Test(arguments: ["", "0", "f", "F", "false", "FALSE", "n", "No", "no", "off", "OFF"])
    func falseySpellingsLeaveABooleanBindingOff(value: String) throws {
        let parsed = try #require(Parse.command(["list"], environment: ["MINO_TRUST_LOCAL": value]))
        #expect(parsed.flag(.trustLocal) == false)
    }

    @Test(arguments: ["1", "true", "yes", "on", "y", "anything", " "])
    func anyOtherValueTurnsABooleanBindingOn(value: String) throws {
        let parsed = try #require(Parse.command(["list"], environment: ["MINO_TRUST_LOCAL": value]))
        #expect(parsed.flag(.trustLocal))
        #expect(parsed.flagSetting(.trustLocal)?.origin == .environment(variable: "MINO_TRUST_LOCAL"))
    }

    @Test func theFlagBeatsAFalseyVariable() throws {
        let parsed = try #require(Parse.command(["--trust-local", "list"], environment: ["MINO_TRUST_LOCAL": "0"]))
        #expect(parsed.flag(.trustLocal))
        #expect(parsed.flagSetting(.trustLocal)?.origin.argumentSpot?.index == 1)
    }

    @Test func unrelatedVariablesAreIgnored() throws {
        let parsed = try #require(Parse.command(["list"], environment: ["MINO_NAME": "x", "NAME": "y"]))
        #expect(parsed.flag(.trustLocal) == false)
        #expect(parsed.string(.config) == nil)
    }
}
