import Diagnostics
import Foundation
import PolicyModel
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct CredentialCacheTests {
    let state: TemporaryDirectory
    let cache: CredentialCache

    init() throws {
        state = try TemporaryDirectory()
        cache = CredentialCache(
            state: StateDirectory(environment: ["HOME": state.path, "XDG_STATE_HOME": state.path + "/state"]))
    }

    static func request(aws: Bool = true, github: Bool = false, profile: String = "dev") -> CredentialRequest {
        let off = Sourced(false, .builtin)
        return CredentialRequest(
            aws: Sourced(aws, .builtin), awsOptions: ["profile": Sourced(profile, .builtin)], gcp: off, gcpOptions: [:],
            azure: off, azureOptions: [:], github: Sourced(github, .builtin),
            githubHost: Sourced("github.com", .builtin),
            sshAgent: off, strict: off)
    }

    func broker(_ runner: RecordingCommandRunner, now: Date, environment: [String: String] = [:]) -> CredentialBroker {
        CredentialBroker(
            context: CredentialContext(
                runner: runner, environment: environment, now: now, timeout: .seconds(5), sessionName: "s"),
            cache: cache)
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func sts(expiring: Date) -> RecordingCommandRunner.Responder {
        { _ in
            let text = """
                {"Credentials": {"AccessKeyId": "AKIA", "SecretAccessKey": "secret-canary", "SessionToken": "t",
                 "Expiration": "\(SessionRecord.timestamp(expiring))"}}
                """
            return .success(ProcessResult(status: .exited(0), output: Array(text.utf8)))
        }
    }

    @Test func aSecondRunWithinTheLifetimeDoesNotCallTheProvider() {
        let runner = RecordingCommandRunner(responder: Self.sts(expiring: Self.now.addingTimeInterval(3600)))
        let first = broker(runner, now: Self.now).gather(Self.request())
        let second = broker(runner, now: Self.now.addingTimeInterval(600)).gather(Self.request())
        #expect(runner.invocations.count == 1)
        #expect(first.values == second.values)
        #expect(second.injected.map(\.provider) == ["aws"])
    }

    @Test func anotherIdentityCallsTheProviderAgain() {
        let runner = RecordingCommandRunner(responder: Self.sts(expiring: Self.now.addingTimeInterval(3600)))
        _ = broker(runner, now: Self.now).gather(Self.request(profile: "dev"))
        _ = broker(runner, now: Self.now).gather(Self.request(profile: "prod"))
        _ = broker(runner, now: Self.now, environment: ["AWS_PROFILE": "other"]).gather(Self.request(profile: "dev"))
        #expect(runner.invocations.count == 3)
    }

    @Test func entriesCloseToExpiryAreRefreshedAndExpiredOnesNeverServed() {
        let runner = RecordingCommandRunner(responder: Self.sts(expiring: Self.now.addingTimeInterval(3600)))
        _ = broker(runner, now: Self.now).gather(Self.request())
        // 4 minutes before expiry: inside the refresh margin.
        _ = broker(runner, now: Self.now.addingTimeInterval(3600 - 240)).gather(Self.request())
        #expect(runner.invocations.count == 2)
    }

    @Test func theCacheIsPrivate() throws {
        let runner = RecordingCommandRunner(responder: Self.sts(expiring: Self.now.addingTimeInterval(3600)))
        _ = broker(runner, now: Self.now).gather(Self.request())
        let directory = try FileManager.default.attributesOfItem(atPath: cache.directory)
        #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
        #expect(files.count == 1)
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: cache.directory + "/" + file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!file.contains("dev"), "identity values must not appear in file names")
        }
    }

    @Test func aCorruptEntryIsDiscardedWithAWarningAndFetchedAgain() throws {
        let runner = RecordingCommandRunner(responder: Self.sts(expiring: Self.now.addingTimeInterval(3600)))
        _ = broker(runner, now: Self.now).gather(Self.request())
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.directory).first)
        try "{ not json".write(toFile: cache.directory + "/" + file, atomically: true, encoding: .utf8)
        let outcome = broker(runner, now: Self.now).gather(Self.request())
        #expect(outcome.warnings.map(\.code.rawValue) == ["credentials.cache-corrupt"])
        #expect(!outcome.warnings.contains { $0.message.contains("secret-canary") })
        #expect(runner.invocations.count == 2)
        #expect(outcome.values["AWS_SECRET_ACCESS_KEY"] == "secret-canary")
    }

    @Test func aFailingProviderDoesNotStopTheOthers() {
        let runner = RecordingCommandRunner { spec in
            spec.executable == "aws"
                ? .success(ProcessResult(status: .exited(255), error: Array("Unable to locate credentials".utf8)))
                : .success(ProcessResult(status: .exited(0), output: Array("gho_x\n".utf8)))
        }
        let outcome = broker(runner, now: Self.now).gather(Self.request(aws: true, github: true))
        #expect(outcome.failures.map(\.provider) == ["aws"])
        #expect(outcome.injected.map(\.provider) == ["github"])
        #expect(outcome.values["GITHUB_TOKEN"] == "gho_x")
    }

    @Test func githubTokensAreNeverCached() throws {
        let runner = RecordingCommandRunner(
            results: [], responder: { _ in .success(ProcessResult(status: .exited(0), output: Array("gho_y\n".utf8))) })
        _ = broker(runner, now: Self.now).gather(Self.request(aws: false, github: true))
        _ = broker(runner, now: Self.now).gather(Self.request(aws: false, github: true))
        #expect(runner.invocations.count == 2)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cache.directory)) ?? []).isEmpty)
    }
}
