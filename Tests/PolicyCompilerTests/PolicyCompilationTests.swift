import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct PolicyCompilationTests {
    typealias F = PolicyFixtures

    @Test func emptyConfigCompilesToTheDocumentedDefaults() throws {
        let output = try F.compile([F.layer("", .global)])
        let policy = output.policy
        #expect(output.warnings.isEmpty)
        #expect(policy.runtime.value == .container)
        #expect(policy.image.value == "fedora:43")
        #expect(policy.layers.isEmpty)
        #expect(policy.command == nil)
        #expect(policy.shell.value == "/bin/bash")
        #expect(policy.project.hostPath.value == "/home/agent/src/my-app")
        #expect(policy.project.workdir.value == "/my-app")
        #expect(policy.mounts.isEmpty)
        #expect(policy.network.mode.value == .bridge)
        #expect(policy.network.rules.isEmpty)
        #expect(policy.network.enforcement.value == .netns)
        #expect(policy.readOnlyRoot.value == false)
        #expect(policy.limits.pids.value == 4096)
        #expect(policy.credentials.github.value == true)
        #expect(policy.credentials.aws.value == false)
        #expect(policy.credentials.sshAgent.value == true)
        #expect(policy.caches.enabled.value == true)
        #expect(policy.homeVolume.value == true)
        #expect(policy.auditLog.value == true)
        #expect(policy.environment.map(\.name) == ["GH_TOKEN", "GITHUB_TOKEN"])
        #expect(policy.environment.allSatisfy { $0.isSecret && $0.displayValue == "<redacted>" })
        // An empty config and no config at all are the same policy.
        #expect(try F.compile([]).policy == policy)
    }

    @Test func compilingTwiceGivesIdenticalBytes() throws {
        let layer = F.layer(
            "[container]\nnetwork_preset = \"dev\"\nvolumes = [\"/data:/data:ro\"]\n[container.env]\nB = \"2\"\nA = \"1\"\n",
            .global)
        let first = try F.compile([layer]).policy.jsonValue.rendered(pretty: true)
        let second = try F.compile([layer]).policy.jsonValue.rendered(pretty: true)
        #expect(first == second)
    }

    // MARK: precedence, per key and per layer

    @Test(arguments: [
        ("container.image", "image = \"global\"", "image = \"project\"", "image = \"flags\""),
        ("container.workdir", "workdir = \"/g\"", "workdir = \"/p\"", "workdir = \"/f\""),
        ("container.network", "network = \"host\"", "network = \"none\"", "network = \"bridge\""),
    ])
    func eachLayerOverridesTheOneBelow(_ key: String, _ global: String, _ project: String, _ flags: String) throws {
        let g = F.layer("[container]\n\(global)\n", .global)
        let p = F.layer("[container]\n\(project)\n", .project)
        let f = F.layer("[container]\n\(flags)\n", .commandLine)
        let config = EffectiveConfig(layers: [.defaults, g, p, f])
        #expect(config.history(key).map(\.layer) == [.builtin, .global, .project, .commandLine])
        #expect(
            EffectiveConfig(layers: [.defaults, g]).value(key) != EffectiveConfig(layers: [.defaults, g, p]).value(key))
        #expect(config.value(key) == EffectiveConfig(layers: [.defaults, f]).value(key))
    }

    @Test func environmentLayerSitsBetweenProjectAndFlags() throws {
        let project = F.layer("[container]\nlayers = [\"python\"]\n", .project)
        let environment = F.layer("[container]\nlayers = [\"rust\"]\n", .environment)
        let flags = F.layer("[container]\nlayers = [\"typescript\"]\n", .commandLine)
        #expect(try F.compile([project, environment]).policy.layers.map(\.value) == ["rust"])
        #expect(try F.compile([project, environment, flags]).policy.layers.map(\.value) == ["typescript"])
    }

    @Test func precedenceNeverDependsOnFlagOrderOnlyOnLayers() throws {
        let flags = F.layer("[container]\nread_only = true\nimage = \"x\"\n", .commandLine)
        let global = F.layer("[container]\nread_only = false\nimage = \"y\"\n", .global)
        #expect(try F.compile([global, flags]).policy.readOnlyRoot.value == true)
        #expect(try F.compile([global, flags]).policy.image.value == "x")
    }

    // MARK: images and layers

    @Test func imageAliasesBecomeLayersOnTheBaseImage() throws {
        for (alias, layer) in [("ts", "typescript"), ("node", "typescript"), ("cargo", "rust"), ("py", "python")] {
            let policy = try F.compile([F.layer("[container]\nimage = \"\(alias)\"\n", .global)]).policy
            #expect(policy.image.value == ImageResolution.baseImage)
            #expect(policy.layers.map(\.value) == [layer])
        }
        #expect(
            try F.compile([F.layer("[container]\nimage = \"base\"\n", .global)]).policy.image.value
                == ImageResolution.baseImage)
        #expect(
            try F.compile([F.layer("[container]\nimage = \"docker.io/library/ubuntu:24.04\"\n", .global)]).policy.image
                .value
                == "docker.io/library/ubuntu:24.04")
    }

    @Test func anImageFlagMeansNoLayersEvenWhenConfigListsThem() throws {
        let global = F.layer("[container]\nlayers = [\"rust\", \"python\"]\n", .global)
        let flags = F.layer("[container]\nimage = \"alpine:3\"\n", .commandLine)
        let policy = try F.compile([global, flags]).policy
        #expect(policy.image.value == "alpine:3")
        #expect(policy.layers.isEmpty)
    }

    // MARK: network (reference §3.4)

    @Test func commandLineNetworkNoneWithAnAllowlistIsAnError() throws {
        let flags = F.layer("[container]\nnetwork = \"none\"\nnetwork_allow = [\"github.com:443\"]\n", .commandLine)
        let error = try #require(throws: DiagnosticError.self) { try F.compile([flags]) }
        #expect(error.diagnostics.map(\.code.rawValue) == ["network.conflict"])
    }

    @Test func configNetworkNoneWithAPresetIsAnError() throws {
        let global = F.layer("[container]\nnetwork = \"none\"\nnetwork_preset = \"dev\"\n", .global)
        let error = try #require(throws: DiagnosticError.self) { try F.compile([global]) }
        #expect(error.diagnostics.first?.code.rawValue == "network.conflict")
        #expect(error.diagnostics.first?.labels.count == 1)
    }

    @Test func networkHostBesideAnAllowlistBecomesAnAllowlistWithAWarning() throws {
        let global = F.layer("[container]\nnetwork = \"host\"\nnetwork_allow = [\"github.com:443\"]\n", .global)
        let output = try F.compile([global])
        #expect(output.policy.network.mode.value == .allowlist)
        #expect(output.warnings.map(\.code.rawValue) == ["network.host-overridden"])
        let preset = try F.compile([
            F.layer("[container]\nnetwork = \"host\"\nnetwork_preset = \"dev\"\n", .commandLine)
        ])
        #expect(preset.policy.network.rules.count == 11)
        #expect(preset.warnings.map(\.code.rawValue) == ["network.host-overridden"])
    }

    @Test func anAllowlistBesideAPresetWinsWithAWarning() throws {
        let global = F.layer("[container]\nnetwork_preset = \"dev\"\nnetwork_allow = [\"example.com:443\"]\n", .global)
        let output = try F.compile([global])
        #expect(output.policy.network.rules.map(\.description) == ["example.com:443"])
        #expect(output.warnings.map(\.code.rawValue) == ["network.preset-ignored"])
    }

    @Test func theHighestLayerThatSetsAnyNetworkKeyDecides() throws {
        let global = F.layer("[container]\nnetwork_allow = [\"github.com:443\"]\n", .global)
        let flags = F.layer("[container]\nnetwork = \"host\"\n", .commandLine)
        let output = try F.compile([global, flags])
        #expect(output.policy.network.mode.value == .host)
        #expect(output.policy.network.rules.isEmpty)
        #expect(output.warnings.isEmpty)
        let project = F.layer("[container]\nnetwork = \"none\"\n", .project)
        #expect(try F.compile([global, project]).policy.network.mode.value == .none)
    }

    @Test func presetsExpandToTheirRulesWithPresetOrigins() throws {
        let policy = try F.compile([F.layer("[container]\nnetwork_preset = \"registries\"\n", .global)]).policy
        #expect(policy.network.mode.value == .allowlist)
        #expect(policy.network.preset?.value == "registries")
        #expect(policy.network.rules.count == 6)
        guard case .preset(let name, _) = policy.network.rules[0].origin else {
            Issue.record("rule origin is not the preset")
            return
        }
        #expect(name == "registries")
    }

    @Test func literalAddressesKeepTheirFamilyAndRepeatsAreDropped() throws {
        let global = F.layer(
            "[container]\nnetwork_allow = [\"10.1.2.3:80\", \"[2001:db8::1]:443\", \"Example.COM:8443\", \"example.com:8443\"]\n",
            .global)
        let output = try F.compile([global])
        #expect(
            output.policy.network.rules.map(\.host) == [.ipv4("10.1.2.3"), .ipv6("2001:db8::1"), .name("example.com")])
        #expect(output.warnings.map(\.code.rawValue) == ["network.duplicate-rule"])
    }

    // MARK: mounts, workdir, names

    @Test func volumesParseIntoMountsInFlagThenConfigOrder() throws {
        let global = F.layer("[container]\nvolumes = [\"named-vol:/cache/x\"]\n", .global)
        let policy = try F.compile([global], request: F.request(volumes: ["~/data:/data:ro,nosuid"])).policy
        #expect(policy.mounts.map(\.source) == [.hostPath("/home/agent/data"), .volume("named-vol")])
        #expect(policy.mounts.first?.options == ["ro", "nosuid"])
        #expect(policy.mounts.first?.isReadOnly == true)
    }

    @Test(arguments: ["~/.ssh:/ssh", "/home/agent/.aws/credentials:/c:ro", "/home/agent:/h", "/home/agent/.config:/x"])
    func credentialStoresAreRefusedAsVolumes(_ spec: String) {
        #expect(throws: DiagnosticError.self) { try F.compile([], request: F.request(volumes: [spec])) }
    }

    @Test func onlyTheGlobalConfigCanAllowASensitiveVolume() throws {
        let global = F.layer("[sandbox]\nallow_sensitive_paths = [\".aws\"]\n", .global)
        #expect(try F.compile([global], request: F.request(volumes: ["~/.aws:/aws:ro"])).policy.mounts.count == 1)
        let project = F.layer("[sandbox]\nallow_sensitive_paths = [\".aws\"]\n", .project)
        #expect(throws: DiagnosticError.self) {
            try F.compile([project], request: F.request(volumes: ["~/.aws:/aws:ro"]))
        }
    }

    @Test(arguments: [
        "relative/path:/x", "/a:relative", "/a:/b:rw,bogus", "/a", "/a:/b:c:d", "-rf:/x", "/a,b:/x", "/a:/b/../c",
    ])
    func malformedVolumesAreRefused(_ spec: String) {
        #expect(throws: DiagnosticError.self) { try F.compile([], request: F.request(volumes: [spec])) }
    }

    @Test func everyErrorOfACompilationIsReportedTogether() throws {
        let error = try #require(throws: DiagnosticError.self) {
            try F.compile([], request: F.request(command: [""], volumes: ["~/.ssh:/s", "bad"], name: "-x"))
        }
        #expect(
            error.diagnostics.map(\.code.rawValue).sorted() == [
                "policy.empty-command", "policy.invalid-session-name", "policy.invalid-volume",
                "policy.sensitive-volume",
            ])
    }

    @Test(arguments: [
        ("/home/agent/src/my-app", "/my-app"), ("/", "/workspace"), ("/srv/etc", "/workspace"),
        ("/srv/has space", "/workspace"), ("/srv/.hidden", "/workspace"), ("/srv/-dash", "/workspace"),
    ])
    func workdirIsDerivedFromTheProjectName(_ project: String, _ workdir: String) throws {
        let request = RunRequest(projectDirectory: Sourced(project, .builtin))
        #expect(try F.compile([], request: request).policy.project.workdir.value == workdir)
    }

    @Test(arguments: ["/home/agent/a:b", "/home/agent/a,b", "/home/agent/a\nb", "relative"])
    func unmountableProjectPathsAreRefused(_ project: String) {
        let request = RunRequest(projectDirectory: Sourced(project, .builtin))
        #expect(throws: DiagnosticError.self) { try F.compile([], request: request) }
    }

    // MARK: environment

    @Test func environmentPrecedenceAndSecrecy() throws {
        let global = F.layer(
            "[container.env]\nPLAIN = \"visible\"\nAPI_TOKEN = \"t0k3n\"\nGITHUB_TOKEN = \"from-config\"\n", .global)
        let flags = ConfigLayer(
            kind: .commandLine,
            settings: [
                "container.env": ConfigSetting(
                    key: try #require(ConfigSchema.key(named: "container.env")),
                    value: .table(["GITHUB_TOKEN": "from-flag"]),
                    origin: .environment(variable: "TEST"),
                    memberOrigins: [
                        "GITHUB_TOKEN": .argument(
                            ArgumentPosition(list: ArgumentList(["mino", "-e", "GITHUB_TOKEN=<redacted>"]), index: 2))
                    ])
            ])
        let environment = try F.compile([global, flags]).policy.environment
        let byName = Dictionary(uniqueKeysWithValues: environment.map { ($0.name, $0) })
        #expect(byName["PLAIN"]?.displayValue == "visible")
        #expect(byName["API_TOKEN"]?.displayValue == "<redacted>")
        // The credential provider beats the config, the flag beats the provider.
        #expect(byName["GITHUB_TOKEN"]?.value == .literal("from-flag"))
        #expect(byName["GITHUB_TOKEN"]?.isSecret == true)
        #expect(byName["GH_TOKEN"]?.value == .credential(provider: "github"))
        #expect(environment.map(\.name) == environment.map(\.name).sorted())
    }

    @Test func sshAgentSocketVariableOnlyWhenTheHostHasOne() throws {
        var facts = F.facts
        #expect(try F.compile([], facts: facts).policy.environment.contains { $0.name == "SSH_AUTH_SOCK" } == false)
        facts.sshAuthSocket = "/run/user/1000/ssh.sock"
        let variable = try F.compile([], facts: facts).policy.environment.first { $0.name == "SSH_AUTH_SOCK" }
        #expect(variable?.value == .literal("/ssh-agent"))
    }

    @Test func cloudCredentialsAddTheirVariables() throws {
        let global = F.layer(
            "[credentials.aws]\nenabled = true\nregion = \"eu-west-1\"\n[credentials.github]\nenabled = false\n",
            .global)
        let names = try F.compile([global]).policy.environment.map(\.name)
        #expect(
            names == [
                "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            ])
    }
}
