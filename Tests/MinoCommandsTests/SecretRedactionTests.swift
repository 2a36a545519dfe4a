import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// A canary secret given every way a secret can reach mino never appears in any output.
@Suite struct SecretRedactionTests {
    static let canary = "sk-canary-5e1f0c2b"

    let home: TemporaryDirectory
    let project: String

    init() throws {
        home = try TemporaryDirectory()
        project = try home.directory("src/app")
        try home.write(
            ".config/mino/config.toml",
            "[container.env]\nSERVICE_TOKEN = \"\(Self.canary)-global\"\nPLAIN = \"visible\"\n[credentials.aws]\nenabled = true\n"
        )
        try home.write("src/app/.mino.toml", "[container.env]\nDB_PASSWORD = \"\(Self.canary)-project\"\n")
    }

    func run(_ arguments: [String], input: [String]? = nil) -> MinoRun {
        MinoRun(
            arguments, environment: ["HOME": home.path], registry: .standard, currentDirectory: project,
            interactiveInput: input)
    }

    func expectNoCanary(_ run: MinoRun, _ what: String) {
        #expect(!run.stdout.contains(Self.canary), "\(what) stdout leaks the secret")
        #expect(!run.stderr.contains(Self.canary), "\(what) stderr leaks the secret")
    }

    @Test func noOutputFormShowsTheSecret() {
        let flag = ["-e", "API_KEY=\(Self.canary)-flag"]
        let forms: [(String, [String], [String]?)] = [
            ("plan text", ["plan"] + flag, nil),
            ("plan json", ["plan", "--format", "json"] + flag, nil),
            ("plan approved", ["plan"] + flag, ["y"]),
            ("plan trust-local", ["plan", "--trust-local"] + flag, nil),
            ("plan explain", ["plan", "--explain", "container.env"] + flag, nil),
            ("policy explain", ["policy", "explain", "container.env"], nil),
            ("policy explain trusted", ["policy", "explain", "container.env", "--trust-local"], nil),
            ("config show", ["config", "show"], nil),
            ("usage error", ["plan", "-e", "API_KEY=\(Self.canary)-bad", "--bogus"], nil),
            ("bad env name", ["plan", "-e", "1BAD=\(Self.canary)-name"], nil),
            (
                "json diagnostics",
                ["plan", "--diagnostics-format", "json", "-e", "API_KEY=\(Self.canary)", "--netwrk"], nil
            ),
        ]
        for (what, arguments, input) in forms {
            let result = run(arguments, input: input)
            expectNoCanary(result, what)
        }
    }

    @Test func theControlShowsNonSecretValuesSoTheTestCanFail() {
        let result = run(["policy", "explain", "container.env", "--trust-local"])
        #expect(result.stdout.contains("PLAIN = \"visible\""))
        #expect(result.stdout.contains("SERVICE_TOKEN = \"<redacted>\""))
        #expect(result.stdout.contains("DB_PASSWORD = \"<redacted>\""))
        let plan = run(["plan", "-e", "API_KEY=\(Self.canary)", "-e", "SHOWN=ok"])
        #expect(plan.stdout.contains("API_KEY=<redacted>"))
        #expect(plan.stdout.contains("-e API_KEY"))
    }

    @Test func policyCheckNeverEchoesAValue() throws {
        // The error points at `1BAD`; the line above it, shown as context, holds a secret.
        try home.write("bad.toml", "[container.env]\nAPI_TOKEN = \"\(Self.canary)\"\n\"1BAD\" = \"x\"\n")
        let result = run(["policy", "check", home.path + "/bad.toml"])
        #expect(result.status == 65)
        expectNoCanary(result, "policy check")
    }
}
