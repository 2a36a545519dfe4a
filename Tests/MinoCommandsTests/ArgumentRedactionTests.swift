import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct ArgumentRedactionTests {
    static let secret = "s3cr3t-value"

    @Test(arguments: [
        ["run", "-e", "TOKEN=\(secret)", "--bogus"],
        ["run", "--env=TOKEN=\(secret)", "--bogus"],
        ["run", "-eTOKEN=\(secret)", "--bogus"],
        ["run", "-de", "TOKEN=\(secret)", "--bogus"],
        ["run", "--bogus", "-e", "TOKEN=\(secret)"],
        ["rnu", "--env", "TOKEN=\(secret)"],
        ["run", "-e", "\(secret)"],
        ["run", "-e", "TOKEN=\(secret)", "--network", "wifi"],
        ["run", "-e", "TOKEN=\(secret)", "claude"],
        ["plan", "-e", "A=\(secret)", "-e", "B=\(secret)", "--all-clouds", "--aws"],
    ])
    func secretValuesNeverAppearInUsageErrors(arguments: [String]) {
        for format in ["human", "plain", "json"] {
            let run = MinoRun(arguments + ["--diagnostics-format", format])
            #expect(run.status == 64)
            #expect(!run.stderr.contains(Self.secret), "\(run.stderr)")
        }
    }

    @Test func secretValuesNeverAppearInTheNotImplementedError() {
        let run = MinoRun(["run", "-e", "TOKEN=\(Self.secret)", "--", "claude"])
        #expect(run.status == 69)
        #expect(!run.stderr.contains(Self.secret))
    }

    @Test func theKeyStaysVisibleAndTheValueReachesTheHandler() throws {
        let parsed = try #require(Parse.command(["run", "-e", "TOKEN=\(Self.secret)"]))
        #expect(parsed.strings(.env) == ["TOKEN=\(Self.secret)"])
        #expect(parsed.argumentList.arguments == ["mino", "run", "-e", "TOKEN=<redacted>"])
        #expect(parsed.values(.env).first?.origin.summary == "TOKEN=<redacted>")
    }

    @Test func nonSensitiveAttachedValuesAreNotHidden() throws {
        let parsed = try #require(Parse.command(["run", "-ndev", "-e", "A=b"]))
        #expect(parsed.argumentList.arguments == ["mino", "run", "-ndev", "-e", "A=<redacted>"])
        #expect(parsed.value(.name)?.origin.argumentSpot?.range == 2..<5)
    }

    @Test func theAgentCommandIsNotRedacted() throws {
        let parsed = try #require(Parse.command(["run", "--", "env", "-e", "X=1"]))
        #expect(parsed.argumentList.arguments == ["mino", "run", "--", "env", "-e", "X=1"])
    }

    @Test func hiddenValueRangesArePointedAtThePlaceholder() throws {
        let parsed = try #require(Parse.command(["run", "--env=K=\(Self.secret)"]))
        let spot = try #require(parsed.values(.env).first?.origin.argumentSpot)
        #expect(spot.index == 2)
        #expect(spot.range == 6..<(8 + ArgumentRedaction.placeholder.utf8.count))
    }
}
