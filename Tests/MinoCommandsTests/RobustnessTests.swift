import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct RobustnessTests {
    static let allowedStatuses: Set<Int32> = [0, 64, 69]

    @Test(arguments: [
        [], [""], ["-"], ["--"], ["--="], ["--=x"], ["-="], ["---"], ["---x"], ["-\u{0}"], ["\u{0}"], ["run", "\u{0}"],
        ["run", "-e"], ["run", "--env="], ["run", "-e="], ["run", "-e", ""], ["rün"], ["run", "-é"],
        ["run", "--nétwork"],
        ["run", "-\u{301}"], ["run", "-👍🏽"], ["run", "--layers", ","], ["run", "--layers="], ["run", "--", "--", "--"],
        ["help", "", ""], ["help", "run", "x"], ["config", "set", "", ""], ["-c"], ["--color"], ["--color="],
        ["run", "-n\n", "--name\t"], ["run", "--\u{1B}[31m"], ["cache", "clear", "--all=", "--all"],
        ["run", "-dddd=x"],
        ["logs", "s", "-l", "99999999999999999999"], ["logs", "s", "-l", "+5"], ["completions", ""],
        ["-vvvvvvvvvvvv", "list"],
    ])
    func oddInputsNeverCrash(arguments: [String]) {
        for format in ["human", "plain", "json"] {
            let run = MinoRun(["--diagnostics-format", format, "--color", "always"] + arguments, width: 40)
            #expect(Self.allowedStatuses.contains(run.status))
            #expect(run.status == 0 ? run.stderr.isEmpty : !run.stderr.isEmpty)
        }
        #expect(Self.allowedStatuses.contains(CLIFuzzEntry.parse(arguments, width: 0)))
    }

    @Test func tenThousandArgumentsAreHandled() {
        #expect(CLIFuzzEntry.parse(["run"] + Array(repeating: "-d", count: 10_000)) == 69)
        #expect(CLIFuzzEntry.parse(["run"] + Array(repeating: "--layers=a,b", count: 10_000)) == 69)
        #expect(CLIFuzzEntry.parse(Array(repeating: "-v", count: 10_000) + ["list"]) == 69)
        #expect(CLIFuzzEntry.parse(["run", "--"] + Array(repeating: "x", count: 10_000)) == 69)
        #expect(CLIFuzzEntry.parse(["stop"] + Array(repeating: "s", count: 10_000)) == 64)
        #expect(CLIFuzzEntry.parse(["run"] + Array(repeating: "-e", count: 10_000)) == 64)
        #expect(CLIFuzzEntry.parse(Array(repeating: "", count: 10_000)) == 64)
    }

    @Test func hugeWordsAreHandled() {
        let huge = String(repeating: "x", count: 100_000)
        #expect(CLIFuzzEntry.parse([huge]) == 64)
        #expect(CLIFuzzEntry.parse(["run", "--" + huge]) == 64)
        #expect(CLIFuzzEntry.parse(["run", "-" + huge]) == 64)
        #expect(CLIFuzzEntry.parse(["run", "--network", huge]) == 64)
        #expect(CLIFuzzEntry.parse(["run", "-e", huge + "=" + huge, "--bogus"]) == 64)
    }

    /// A deterministic generator so a failure reproduces.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomCommandLinesNeverCrash() {
        let pieces = [
            "run", "plan", "cache", "clear", "config", "set", "help", "status", "doctor", "-", "--", "-e", "--env=",
            "-dn", "-vvq", "--all", "--no-github", "--github", "--layers", "a,b", ",", "=", "--color", "always",
            "--diagnostics-format", "json", "plain", "-h", "--version", "-V", "é", "\u{0}", "\n", "'", "--network",
            "host", "-l", "12", "x=y", "--name=", "-n=", "--=", "-=", "---",
        ]
        var generator = SplitMix64(state: 0x5EED)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...8, using: &generator)
            var arguments: [String] = []
            for _ in 0..<count {
                if Int.random(in: 0..<6, using: &generator) == 0 {
                    let scalars = (0..<Int.random(in: 0...4, using: &generator)).compactMap { _ in
                        Unicode.Scalar(UInt32.random(in: 0...0x2FF, using: &generator))
                    }
                    arguments.append(String(String.UnicodeScalarView(scalars)))
                } else {
                    arguments.append(pieces.randomElement(using: &generator) ?? "")
                }
            }
            let status = CLIFuzzEntry.parse(arguments, width: Int.random(in: 0...120, using: &generator))
            #expect(Self.allowedStatuses.contains(status), "\(arguments)")
        }
    }
}
