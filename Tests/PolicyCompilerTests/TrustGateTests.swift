import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct TrustGateTests {
    typealias F = PolicyFixtures

    static func evaluate(project: String, global: String = "") -> TrustGate.Evaluation {
        TrustGate.evaluate(
            project: F.layer(project, .project, path: ".mino.toml"),
            userLayers: [.defaults, F.layer(global, .global)])
    }

    /// One line per key that must be held back until the file is approved.
    static let widening: [String] = [
        "[container]\nimage = \"attacker/image\"",
        "[container]\nlayers = [\"rust\"]",
        "[container]\nvolumes = [\"/etc:/host-etc\"]",
        "[container.env]\nLD_PRELOAD = \"/tmp/x.so\"",
        "[container]\nnetwork = \"host\"",
        "[container]\nworkdir = \"/elsewhere\"",
        "[container]\nnetwork_enforcement = \"wrapper\"",
        "[general]\nruntime = \"native\"",
        "[general]\naudit_log = false",
        "[general]\nallow_root = true",
        "[credentials.aws]\nenabled = true",
        "[credentials.aws]\nrole_arn = \"arn:aws:iam::1:role/x\"",
        "[credentials.github]\nhost = \"evil.example\"",
        "[vm]\nname = \"other\"",
        "[sandbox]\nallow_sensitive = true",
        "[sandbox]\nallow_sensitive_paths = [\".ssh\"]",
        "[sandbox]\npassthrough_paths = [\"/\"]",
        "[sandbox]\nwritable_paths = [\"/home\"]",
        "[sandbox]\ndotfiles = [\".ssh/id_ed25519\"]",
        "[sandbox]\nauto_copy_dirs = [\".aws\"]",
        "[sandbox]\nenv_passthrough = [\"AWS_SECRET_ACCESS_KEY\"]",
        "[sandbox]\nmax_memory_mb = 0",
        "[sandbox]\nsandbox_user = \"root\"",
        "[home]\nenabled = true",
    ]

    @Test(arguments: widening)
    func wideningSettingsAreHeldBackUntilApproved(_ project: String) {
        let global = project.hasPrefix("[home]") ? "[home]\nenabled = false" : ""
        let evaluation = Self.evaluate(project: project, global: global)
        #expect(evaluation.widening.count == 1, "\(project)")
        #expect(evaluation.narrowing.settings.isEmpty, "\(project)")
    }

    /// Settings a repository may use to tighten the user's policy without asking.
    static let narrowing: [String] = [
        "[container]\nnetwork = \"none\"",
        "[container]\nnetwork_allow = [\"github.com:443\"]",
        "[container]\nnetwork_preset = \"registries\"",
        "[container]\nread_only = true",
        "[container]\nnetwork_enforcement = \"netns\"",
        "[general]\naudit_log = true",
        "[general]\nruntime = \"container\"",
        "[credentials.github]\nenabled = false",
        "[home]\nenabled = false",
        "[sandbox]\nmax_memory_mb = 1024",
        "[sandbox]\nmax_processes = 64",
        "[session]\nshell = \"/bin/zsh\"\nauto_cleanup_hours = 1",
        "[cache]\nenabled = false\ngc_days = 3",
        "[container]\nimage = \"fedora:43\"",
    ]

    @Test(arguments: narrowing)
    func narrowingSettingsApplyWithoutApproval(_ project: String) {
        let evaluation = Self.evaluate(project: project)
        #expect(evaluation.widening.isEmpty, "\(project): \(evaluation.widening.map(\.setting.key.name))")
        #expect(!evaluation.narrowing.settings.isEmpty)
    }

    @Test func anAllowlistMayOnlyShrinkTheUsersAllowlist() {
        let global = "[container]\nnetwork_allow = [\"github.com:443\", \"pypi.org:443\"]"
        #expect(
            Self.evaluate(project: "[container]\nnetwork_allow = [\"pypi.org:443\"]", global: global).widening.isEmpty)
        let wider = Self.evaluate(
            project: "[container]\nnetwork_allow = [\"pypi.org:443\", \"evil.example:443\"]", global: global)
        #expect(wider.widening.map(\.setting.key.name) == ["container.network_allow"])
        // A preset that is a subset of the user's preset narrows; the bigger one widens.
        #expect(
            Self.evaluate(
                project: "[container]\nnetwork_preset = \"registries\"", global: "[container]\nnetwork_preset = \"dev\""
            ).widening.isEmpty)
        #expect(
            !Self.evaluate(
                project: "[container]\nnetwork_preset = \"dev\"", global: "[container]\nnetwork_preset = \"registries\""
            ).widening.isEmpty)
        // Reopening the network the user closed widens.
        #expect(
            !Self.evaluate(project: "[container]\nnetwork = \"bridge\"", global: "[container]\nnetwork = \"none\"")
                .widening.isEmpty)
    }

    @Test func aProjectRuleBelowTheUsersWildcardNarrows() {
        let global = "[container]\nnetwork_allow = [\"*.x.test:443\"]"
        for rules in [#"["a.x.test:443"]"#, #"["*.a.x.test:443", "b.c.x.test:443"]"#, #"["*.x.test:443"]"#] {
            #expect(
                Self.evaluate(project: "[container]\nnetwork_allow = \(rules)", global: global).widening.isEmpty,
                "\(rules)")
        }
        for rules in [#"["x.test:443"]"#, #"["a.x.test:22"]"#, #"["*.y.x.test:22"]"#, #"["ax.test:443"]"#] {
            #expect(
                !Self.evaluate(project: "[container]\nnetwork_allow = \(rules)", global: global).widening.isEmpty,
                "\(rules)")
        }
        // The user's exact rule never covers the project's wildcard.
        #expect(
            !Self.evaluate(
                project: "[container]\nnetwork_allow = [\"*.x.test:443\"]",
                global: "[container]\nnetwork_allow = [\"a.x.test:443\"]"
            ).widening.isEmpty)
    }

    @Test func networkKeysAreHeldBackTogether() {
        let evaluation = Self.evaluate(
            project: "[container]\nnetwork = \"host\"\nnetwork_preset = \"dev\"\nread_only = true",
            global: "[container]\nnetwork_preset = \"registries\"")
        #expect(Set(evaluation.widening.map(\.setting.key.name)) == ["container.network", "container.network_preset"])
        #expect(Array(evaluation.narrowing.settings.keys) == ["container.read_only"])
    }

    @Test func valuesEqualToTheUsersApplyWhateverTheirClass() {
        let evaluation = Self.evaluate(
            project: "[container]\nimage = \"mine\"\nvolumes = [\"/data:/data\"]",
            global: "[container]\nimage = \"mine\"\nvolumes = [\"/data:/data\"]")
        #expect(evaluation.widening.isEmpty)
    }

    @Test func limitsCompareAgainstTheUsersLimitWithZeroMeaningUnlimited() {
        #expect(
            Self.evaluate(project: "[sandbox]\nmax_memory_mb = 8192", global: "[sandbox]\nmax_memory_mb = 0").widening
                .isEmpty)
        #expect(!Self.evaluate(project: "[sandbox]\nmax_memory_mb = 8192").widening.isEmpty)
        #expect(
            !Self.evaluate(project: "[sandbox]\nmax_cpu_seconds = 0", global: "[sandbox]\nmax_cpu_seconds = 60")
                .widening.isEmpty)
    }

    @Test func theUserValueIsReportedForTheApprovalPrompt() throws {
        let evaluation = Self.evaluate(project: "[container]\nimage = \"x\"", global: "[container]\nimage = \"y\"")
        let widening = try #require(evaluation.widening.first)
        #expect(widening.userValue == .string("y"))
        #expect(widening.setting.value == .string("x"))
        #expect(widening.setting.origin.fileSpan?.file.path == ".mino.toml")
    }
}
