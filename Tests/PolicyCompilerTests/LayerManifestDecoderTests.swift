import Diagnostics
import PolicyCompiler
import PolicyModel
import TOML
import TestSupport
import Testing

@Suite struct LayerManifestDecoderTests {
    static let header = "[layer]\nname = \"tools\"\ndescription = \"d\"\nversion = \"1\"\n"

    static func decode(_ text: String) -> (LayerManifest?, [Diagnostic]) {
        LayerManifestDecoder.decode(SourceFile(path: "layers/tools/layer.toml", text: text))
    }

    struct Expectation: Sendable, CustomStringConvertible {
        let input: String
        let code: String
        let message: String
        let underlined: String
        /// The same manifest with the problem fixed: must decode cleanly.
        let control: String
        var description: String { message }
    }

    static let cases: [Expectation] = [
        .init(
            input: header + "1️⃣vesion = \"2\"\n", code: "layer.unknown-key",
            message: "unknown key `layer.vesion`", underlined: "vesion", control: header),
        .init(
            input: header + "[1️⃣root_instal]\npackages = [\"jq\"]\n", code: "layer.unknown-key",
            message: "unknown key `root_instal`", underlined: "root_instal",
            control: header + "[root_install]\npackages = [\"jq\"]\n"),
        .init(
            input: "[layer]\nname = \"tools\"\ndescription = \"d\"\nversion = 1️⃣2\n", code: "layer.wrong-type",
            message: "`layer.version` must be a string, found an integer", underlined: "2", control: header),
        .init(
            input: header + "[env]\nFOO = 1️⃣true\n", code: "layer.wrong-type",
            message: "`env.FOO` must be a string, found a boolean", underlined: "true",
            control: header + "[env]\nFOO = \"true\"\n"),
        .init(
            input: header + "[root_install]\npackages = [\"jq\", 1️⃣3]\n", code: "layer.wrong-type",
            message: "`root_install.packages` must be an array of strings, found an array holding an integer",
            underlined: "3", control: header + "[root_install]\npackages = [\"jq\", \"git\"]\n"),
        .init(
            input: "1️⃣[layer]\nname = \"tools\"\ndescription = \"d\"\n", code: "layer.missing-key",
            message: "`layer.version` is missing", underlined: "[layer]", control: header),
        .init(
            input: header + "[root_install]\npackages = [1️⃣\"--allow-unauthenticated\"]\n",
            code: "layer.invalid-value",
            message: "`root_install.packages` entry `--allow-unauthenticated` is not a valid package name",
            underlined: "\"--allow-unauthenticated\"", control: header + "[root_install]\npackages = [\"gnupg2\"]\n"),
        .init(
            input: header + "[root_install]\npackages = [1️⃣\"jq; rm -rf /\"]\n", code: "layer.invalid-value",
            message: "`root_install.packages` entry `jq; rm -rf /` is not a valid package name",
            underlined: "\"jq; rm -rf /\"", control: header + "[root_install]\npackages = [\"libc6-dev\"]\n"),
        .init(
            input: header + "[root_install]\npackages = [1️⃣\"\"]\n", code: "layer.invalid-value",
            message: "`root_install.packages` entry `` is not a valid package name", underlined: "\"\"",
            control: header + "[root_install]\npackages = [\"g++\"]\n"),
        .init(
            input: header + "[user_install]\nruntime = 1️⃣\"nvn\"\n", code: "layer.invalid-value",
            message: "`user_install.runtime` must be one of \"nvm\", \"rustup\", \"uv\", found \"nvn\"",
            underlined: "\"nvn\"", control: header + "[user_install]\nruntime = \"nvm\"\n"),
        .init(
            input: header + "[user_install]\nruntime = \"uv\"\n1️⃣npm_globals = [\"pnpm\"]\n",
            code: "layer.invalid-value",
            message: "`user_install.npm_globals` needs `runtime = \"nvm\"`", underlined: "npm_globals",
            control: header + "[user_install]\nruntime = \"nvm\"\nnpm_globals = [\"pnpm\"]\n"),
        .init(
            input: header + "[user_install]\nruntime = \"nvm\"\nnpm_globals = [1️⃣\"$(curl x)\"]\n",
            code: "layer.invalid-value",
            message: "`user_install.npm_globals` entry `$(curl x)` is not a valid tool name or version",
            underlined: "\"$(curl x)\"",
            control: header + "[user_install]\nruntime = \"nvm\"\nnpm_globals = [\"@biomejs/biome\"]\n"),
        .init(
            input: header + "[env]\n1️⃣PATH = \"/opt/bin\"\n", code: "layer.invalid-value",
            message: "`env` entry `PATH` cannot be set by a layer", underlined: "PATH",
            control: header + "[env.path_prepend]\ndirs = [\"/opt/bin\"]\n"),
        .init(
            input: header + "[env]\n1️⃣MINO_LAYER_MANIFEST = \"[]\"\n", code: "layer.invalid-value",
            message: "`env` entry `MINO_LAYER_MANIFEST` is reserved for mino", underlined: "MINO_LAYER_MANIFEST",
            control: header + "[env]\nLAYER_MANIFEST = \"[]\"\n"),
        .init(
            input: header + "[env]\n1️⃣\"BAD-NAME\" = \"x\"\n", code: "layer.invalid-value",
            message: "`env` entry `BAD-NAME` is not a valid environment variable name", underlined: "\"BAD-NAME\"",
            control: header + "[env]\nGOOD_NAME = \"x\"\n"),
        .init(
            input: header + "[env.path_prepend]\ndirs = [1️⃣\"/opt/a:/opt/b\"]\n", code: "layer.invalid-value",
            message: "`env.path_prepend.dirs` entry `/opt/a:/opt/b` holds `:`, which separates `PATH` entries",
            underlined: "\"/opt/a:/opt/b\"", control: header + "[env.path_prepend]\ndirs = [\"/opt/a\", \"/opt/b\"]\n"),
        .init(
            input: header + "[env.path_prepend]\ndirs = [1️⃣\"bin\"]\n", code: "layer.invalid-value",
            message: "`env.path_prepend.dirs` entry `bin` is not an absolute path", underlined: "\"bin\"",
            control: header + "[env.path_prepend]\ndirs = [\"/usr/local/tool/bin\"]\n"),
        .init(
            input: header + "[cache]\npaths = [1️⃣\"/cache/../etc\"]\n", code: "layer.invalid-value",
            message: "`cache.paths` entry `/cache/../etc` has a `.` or `..` component", underlined: "\"/cache/../etc\"",
            control: header + "[cache]\npaths = [\"/cache/etc\"]\n"),
        .init(
            input: "[layer]\nname = 1️⃣\"../etc\"\ndescription = \"d\"\nversion = \"1\"\n", code: "layer.invalid-name",
            message: "`../etc` is not a valid layer name", underlined: "\"../etc\"", control: header),
        .init(
            input: "[layer]\nname = \"tools\"\ndescription = 1️⃣\"two\\nlines\"\nversion = \"1\"\n",
            code: "layer.invalid-value",
            message: "`layer.description` entry `two\\nlines` is empty or holds control characters",
            underlined: "\"two\\nlines\"", control: header),
        .init(
            input: "1️⃣[env]\nFOO = \"x\"\n", code: "layer.missing-key", message: "the manifest has no `[layer]` table",
            underlined: "", control: header + "[env]\nFOO = \"x\"\n"),
    ]

    @Test(arguments: cases)
    func refusedAtTheMarkedSpanWhileTheFixedManifestDecodes(_ expectation: Expectation) throws {
        let marked = MarkedText(expectation.input)
        let source = SourceFile(path: "layers/tools/layer.toml", text: marked.text)
        let (manifest, diagnostics) = LayerManifestDecoder.decode(source)
        #expect(manifest == nil)
        #expect(diagnostics.map(\.code.rawValue) == [expectation.code], "\(diagnostics)")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.message == expectation.message)
        #expect(diagnostic.help != nil)
        let span = try #require(diagnostic.origin?.fileSpan)
        #expect(span.file.path == "layers/tools/layer.toml")
        #expect(span.span.start == marked.offset)
        #expect(source.text(of: span.span) == expectation.underlined)

        let (control, controlDiagnostics) = Self.decode(expectation.control)
        #expect(controlDiagnostics.isEmpty, "control: \(controlDiagnostics)")
        #expect(control != nil)
    }

    @Test func unknownKeySuggestsTheClosestNameOrListsTheValidOnes() {
        let (_, typo) = Self.decode(Self.header + "[user_install]\nruntme = \"uv\"\n")
        #expect(typo.first?.help == "did you mean `runtime`?")
        let (_, unrelated) = Self.decode(Self.header + "[cache]\nzzz = 1\n")
        #expect(unrelated.first?.help == "valid keys here: `paths`")
    }

    @Test func everyProblemIsReportedInOnePassWithLineAndColumn() {
        let (manifest, diagnostics) = Self.decode(
            """
            [layer]
            name = "tools"
            version = 2
            [root_install]
            packages = ["-x"]
            [user_install]
            runtime = "deno"
            """)
        #expect(manifest == nil)
        #expect(
            diagnostics.map(\.code.rawValue) == [
                "layer.wrong-type", "layer.missing-key", "layer.invalid-value", "layer.invalid-value",
            ])
        #expect(diagnostics.compactMap { $0.origin?.fileSpan?.start.description } == ["3:11", "1:1", "5:13", "7:11"])
    }

    @Test func syntaxErrorsComeBackAsDiagnostics() {
        let (manifest, diagnostics) = Self.decode("[layer\nname = \"x\"\n")
        #expect(manifest == nil)
        #expect(diagnostics.first?.code.rawValue.hasPrefix("toml.") == true)
        #expect(diagnostics.first?.origin?.fileSpan?.file.path == "layers/tools/layer.toml")
    }

    @Test func fullManifestDecodesEveryFieldWithItsSpan() throws {
        let (decoded, diagnostics) = Self.decode(
            """
            [layer]
            name = "node_tools"
            description = "Node tools"
            version = "3"
            [env]
            B = "2"
            A = "it's \\"$HOME\\""
            [env.path_prepend]
            dirs = ["/opt/b", "/opt/a"]
            [cache]
            paths = ["/cache/x"]
            [root_install]
            packages = ["g++", "libssl-dev"]
            [user_install]
            runtime = "nvm"
            runtime_version = "lts/iron"
            npm_globals = ["pnpm", "@biomejs/biome"]
            """)
        #expect(diagnostics.isEmpty)
        let manifest = try #require(decoded)
        #expect(manifest.name.value == "node_tools")
        #expect(manifest.version.value == "3")
        #expect(manifest.environment.map(\.name) == ["A", "B"])
        #expect(manifest.environment.first?.value == "it's \"$HOME\"")
        #expect(manifest.environment.first?.origin.fileSpan?.start == SourceLocation(line: 7, column: 1))
        #expect(manifest.pathPrepend.map(\.value) == ["/opt/b", "/opt/a"])
        #expect(manifest.cachePaths.map(\.value) == ["/cache/x"])
        #expect(manifest.rootPackages.map(\.value) == ["g++", "libssl-dev"])
        let install = try #require(manifest.userInstall)
        #expect(install.runtime?.value == .nvm)
        #expect(install.runtimeVersion?.value == "lts/iron")
        #expect(install.npmGlobals.map(\.value) == ["pnpm", "@biomejs/biome"])
        #expect(manifest.hasUserInstall)
    }

    @Test func runtimeVersionAloneIsNoUserInstall() throws {
        let (alone, _) = Self.decode(Self.header + "[user_install]\nruntime_version = \"22\"\n")
        #expect(try #require(alone).hasUserInstall == false)
        let (runtime, _) = Self.decode(Self.header + "[user_install]\nruntime = \"rustup\"\n")
        #expect(try #require(runtime).hasUserInstall)
    }
}
