import Backends
import Diagnostics
import PolicyModel
import Testing

/// Compiling the same input twice gives the same bytes, and nothing depends on the order of
/// dictionaries or of the host's answers.
@Suite struct DeterminismTests {
    let facts = PolicyFixture.facts

    /// Every artifact of the fixture, rendered.
    func everything(_ policy: SandboxPolicy, facts: HostFacts) throws -> [String] {
        let native = PolicyFixture.policy {
            $0 = policy
            $0.project.hostPath = Sourced("/home/agent/project", .builtin)
            $0.mounts = []
        }
        return [
            try PodmanBackend.create(
                policy, facts: facts, session: PolicyFixture.sessionWithHome, terminal: .interactive
            )
            .rendered,
            try PodmanBackend.run(policy, facts: facts, session: PolicyFixture.session).argv.joined(separator: "\0"),
            try PodmanBackend.exec(policy, facts: facts, containerID: "c", command: nil, terminal: .none).rendered,
            try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved)?.rendered ?? "",
            try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .symbolic)?.rendered ?? "",
            try PFAnchorBackend.sessionAnchor(for: policy, facts: facts, sessionID: "s", proxyPort: 3128)?.rendered
                ?? "",
            PFAnchorBackend.pfConfReference().rendered,
            try SudoersBackend.fragment(facts: facts).rendered,
            try HelperRequestBackend.spawnRequest(
                for: native, facts: facts, sessionID: "s", dotfileDirectory: "/tmp/dots", environment: .redacted
            ).rendered,
        ]
    }

    static var policies: [SandboxPolicy] {
        [
            PolicyFixture.policy, PolicyFixture.fullPolicy, PolicyFixture.allowlist(enforcement: .wrapper),
            PolicyFixture.allowlist(enforcement: .netns),
        ]
    }

    @Test func compilingTwiceGivesIdenticalBytes() throws {
        for policy in Self.policies {
            #expect(try everything(policy, facts: facts) == everything(policy, facts: facts))
        }
    }

    @Test func everyRenderedArtifactEndsWithOneNewline() throws {
        for policy in Self.policies {
            for text in try everything(policy, facts: facts) where !text.isEmpty && !text.contains("\0") {
                #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
                #expect(!text.contains("\r"))
            }
        }
    }

    @Test func environmentIsSortedWhateverTheInputOrder() throws {
        let names = ["ZED", "alpha", "Beta", "_under", "MIDDLE", "beta"]
        let forward = PolicyFixture.policy { $0.environment = names.map { PolicyFixture.variable($0, .literal("v")) } }
        let backward = PolicyFixture.policy {
            $0.environment = names.reversed().map { PolicyFixture.variable($0, .literal("v")) }
        }
        let first = try PodmanBackend.create(forward, facts: facts, session: PolicyFixture.session, terminal: .none)
        let second = try PodmanBackend.create(backward, facts: facts, session: PolicyFixture.session, terminal: .none)
        #expect(first.argv == second.argv)
        let emitted = zip(first.argv, first.argv.dropFirst()).filter { $0.0 == "-e" }.map(\.1)
        #expect(emitted == ["Beta", "MIDDLE", "ZED", "_under", "alpha", "beta"])
    }

    @Test func hostAnswersInAnotherOrderGiveTheSameRuleset() throws {
        var shuffled = facts
        shuffled.resolvedAddresses = facts.resolvedAddresses.mapValues { Array($0.reversed()) }
        shuffled.containerResolvers = facts.containerResolvers.reversed()
        let policy = PolicyFixture.allowlist(enforcement: .wrapper)
        #expect(try everything(policy, facts: facts) == everything(policy, facts: shuffled))
    }

    @Test func cacheEnvironmentDictionaryOrderDoesNotMatter() throws {
        let environment = Dictionary(uniqueKeysWithValues: (0..<20).map { ("VAR_\($0)", "/cache/\($0)") })
        let policy = PolicyFixture.policy {
            $0.caches.volumes = [
                CacheVolume(ecosystem: "npm", volumeName: "mino-cache-npm-0", environment: environment)
            ]
        }
        let rendered = try PodmanBackend.create(policy, facts: facts, session: PolicyFixture.session, terminal: .none)
        let emitted = zip(rendered.argv, rendered.argv.dropFirst()).filter { $0.0 == "-e" }.map(\.1)
        #expect(emitted == emitted.sorted())
        #expect(emitted.count == 20)
    }

    @Test func everyArtifactsRenderedTextIsItsLinesJoined() throws {
        let policy = PolicyFixture.allowlist(enforcement: .wrapper)
        let artifacts: [any RenderedArtifact] = [
            try PodmanBackend.create(policy, facts: facts, session: PolicyFixture.session, terminal: .none),
            try #require(try NetfilterBackend.ruleset(for: policy, facts: facts, resolution: .resolved)),
            try #require(
                try PodmanBackend.create(policy, facts: facts, session: PolicyFixture.session, terminal: .none).wrapper),
            try #require(try PFAnchorBackend.sessionAnchor(for: policy, facts: facts, sessionID: "s", proxyPort: 1)),
            PFAnchorBackend.pfConfReference(),
            try SudoersBackend.fragment(facts: facts),
            try HelperRequestBackend.spawnRequest(
                for: policy, facts: facts, sessionID: "s", dotfileDirectory: nil, environment: .redacted),
        ]
        for artifact in artifacts {
            #expect(artifact.rendered == artifact.lines.map(\.text).joined(separator: "\n") + "\n")
        }
    }
}
