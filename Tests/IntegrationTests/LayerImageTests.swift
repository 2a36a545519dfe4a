import Foundation
import Testing

extension Integration {
    /// Language layers composed with a real, offline `podman build` (rootless). No registry is
    /// reachable here, so the locally bootstrapped test image is tagged as mino's base image
    /// (what `--layers` builds on); the layers' install steps need no network.
    @Suite struct LayerImages {
        static let baseImage = "ghcr.io/dean0x/mino-base:latest"

        /// Tags the test image as the base (removed again at clean-up).
        static func harness(_ applier: Applier = .netns) throws -> Harness {
            let harness = try Harness(.rootless, applier: applier)
            let tagged = harness.podman(["tag", Harness.image, baseImage])
            guard tagged.succeeded else { throw HarnessError("podman tag: \(tagged)") }
            harness.removeImageAtCleanUp(baseImage)
            return harness
        }

        /// A layer directory: `layer.toml` with `[env]`, and an `install.sh` that writes a
        /// program printing `output`.
        static func writeLayer(
            _ harness: Harness, in root: String, name: String, program: String, output: String,
            env: [String: String]
        ) throws {
            let directory = root + "/" + name
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var manifest =
                "[layer]\nname = \"\(name)\"\ndescription = \"test layer \(name)\"\nversion = \"1\"\n\n[env]\n"
            for key in env.keys.sorted() { manifest += "\(key) = \"\(env[key] ?? "")\"\n" }
            try manifest.write(toFile: directory + "/layer.toml", atomically: true, encoding: .utf8)
            let script = """
                #!/bin/sh
                set -e
                printf '#!/bin/sh\\necho %s\\n' '\(output)' > /usr/local/bin/\(program)
                chmod 755 /usr/local/bin/\(program)

                """
            try script.write(toFile: directory + "/install.sh", atomically: true, encoding: .utf8)
            for path in [root, directory, directory + "/layer.toml", directory + "/install.sh"] {
                chmod(path, path.hasSuffix(".toml") || path.hasSuffix(".sh") ? 0o644 : 0o755)
                chown(path, harness.identity.ids.uid, harness.identity.ids.gid)
            }
        }

        static func userLayers(_ harness: Harness) -> String { harness.base + "/layers" }
        static func projectLayers(_ harness: Harness) -> String { harness.project + "/.mino/layers" }

        /// The composed tags the identity has.
        static func composedImages(_ harness: Harness) -> Set<String> {
            Set(
                harness.podman(["images", "--format", "{{.Repository}}"]).lines.filter {
                    $0.hasPrefix("localhost/mino-composed-")
                })
        }

        /// Runs `mino -v run` and returns the result; `-v` traces every podman command mino runs.
        static func traced(_ harness: Harness, _ options: [String], _ command: [String]) -> CommandResult {
            harness.mino(["-v", "run"] + options + ["--"] + command, timeout: 600)
        }

        @Test(.enabled(if: IntegrationGate.isEnabled))
        func layersComposeAndTheSecondRunBuildsNothing() throws {
            let harness = try Self.harness()
            let before = Self.composedImages(harness)
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "hello", program: "hello-mino",
                output: "hello from a layer",
                env: ["HELLO_GREETING": "hi-\(harness.prefix)"])
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "second", program: "second-mino", output: "second layer",
                env: ["SECOND_VALUE": "two"])

            let first = Self.traced(
                harness, ["--layers", "hello"], ["sh", "-c", "hello-mino; echo \"greeting=$HELLO_GREETING\""])
            try #require(first.succeeded, "\(first)")
            #expect(first.stdout.contains("hello from a layer"), "\(first)")
            #expect(first.stdout.contains("greeting=hi-\(harness.prefix)"), "\(first)")
            #expect(first.stderr.contains("podman build"), "the first run builds: \(first.stderr)")
            let built = Self.composedImages(harness).subtracting(before)
            built.forEach(harness.removeImageAtCleanUp)
            #expect(built.count == 1, "\(built)")

            let second = Self.traced(harness, ["--layers", "hello"], ["hello-mino"])
            #expect(second.succeeded && second.stdout.contains("hello from a layer"), "\(second)")
            #expect(!second.stderr.contains("podman build"), "the second run builds nothing: \(second.stderr)")
            #expect(Self.composedImages(harness).subtracting(before) == built)

            // Two layers compose into one image with both programs and both environments.
            let both = Self.traced(
                harness, ["--layers", "second,hello"],
                ["sh", "-c", "hello-mino; second-mino; echo \"$HELLO_GREETING/$SECOND_VALUE\""])
            Self.composedImages(harness).subtracting(before).forEach(harness.removeImageAtCleanUp)
            #expect(both.succeeded, "\(both)")
            #expect(both.stdout.contains("hello from a layer") && both.stdout.contains("second layer"), "\(both)")
            #expect(both.stdout.contains("hi-\(harness.prefix)/two"), "\(both)")
        }

        /// One byte of install.sh or one env value changes the tag.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func anyChangeToALayerGivesANewTag() throws {
            let harness = try Self.harness()
            let before = Self.composedImages(harness)
            func tag() throws -> String {
                let plan = harness.mino(["plan", "--layers", "hello"])
                try #require(plan.succeeded, "\(plan)")
                let match = plan.stdout.range(of: "localhost/mino-composed-[0-9a-f]{12}", options: .regularExpression)
                return try #require(match.map { String(plan.stdout[$0]) }, "\(plan.stdout)")
            }
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "hello", program: "hello-mino", output: "one",
                env: ["HELLO_GREETING": "a"])
            let original = try tag()
            #expect(try tag() == original, "the same layer, the same tag")
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "hello", program: "hello-mino", output: "onf",
                env: ["HELLO_GREETING": "a"])
            let script = try tag()
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "hello", program: "hello-mino", output: "onf",
                env: ["HELLO_GREETING": "b"])
            let env = try tag()
            #expect(Set([original, script, env]).count == 3, "\(original) \(script) \(env)")
            let run = harness.mino(["run", "-q", "--layers", "hello", "--", "hello-mino"], timeout: 600)
            Self.composedImages(harness).subtracting(before).forEach(harness.removeImageAtCleanUp)
            #expect(run.succeeded && run.stdout.contains("onf"), "\(run)")
            #expect(Self.composedImages(harness).contains(env), "the run built the planned tag \(env)")
        }

        /// project > user > built-in, and a project layer needs approval first.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func projectLayersShadowAndNeedApproval() throws {
            let harness = try Self.harness()
            let before = Self.composedImages(harness)
            defer { Self.composedImages(harness).subtracting(before).forEach(harness.removeImageAtCleanUp) }
            // A user layer named like a built-in shadows it.
            try Self.writeLayer(
                harness, in: Self.userLayers(harness), name: "python", program: "which-layer", output: "user python",
                env: [:])
            let user = harness.mino(["run", "-q", "--layers", "python", "--", "which-layer"], timeout: 600)
            #expect(user.succeeded && user.stdout.contains("user python"), "\(user)")

            // A project layer of the same name shadows the user layer, but only once approved.
            try FileManager.default.createDirectory(
                atPath: harness.project + "/.mino", withIntermediateDirectories: true)
            chown(harness.project + "/.mino", harness.identity.ids.uid, harness.identity.ids.gid)
            try Self.writeLayer(
                harness, in: Self.projectLayers(harness), name: "python", program: "which-layer",
                output: "project python", env: [:])
            let sessionsBefore = harness.sessions().count
            let refused = harness.mino(["run", "-q", "--layers", "python", "--", "which-layer"], timeout: 600)
            #expect(refused.status == 1 && refused.stderr.contains("layer.not-approved"), "\(refused)")
            #expect(!refused.stdout.contains("python"), "nothing ran: \(refused)")
            #expect(harness.sessions().count == sessionsBefore, "no session was created")

            let trusted = harness.mino(
                ["run", "-q", "--trust-local", "--layers", "python", "--", "which-layer"], timeout: 600)
            #expect(trusted.succeeded && trusted.stdout.contains("project python"), "\(trusted)")
        }

        /// layer.toml problems: file:line:col and exit 65, from `run` and from `policy check`.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func brokenLayerManifestsExit65() throws {
            let harness = try Self.harness()
            let root = Self.userLayers(harness)
            try Self.writeLayer(harness, in: root, name: "broken", program: "x", output: "x", env: [:])
            try "[layer]\nname = \"broken\"\ndescription = 7\nversion = \"1\"\nflavour = \"x\"\n".write(
                toFile: root + "/broken/layer.toml", atomically: true, encoding: .utf8)
            let run = harness.mino(["run", "-q", "--layers", "broken", "--", "true"])
            #expect(run.status == 65, "\(run)")
            #expect(run.stderr.contains("layer.toml:3:"), "wrong type at its line: \(run.stderr)")
            let check = harness.mino(["policy", "check", root + "/broken/layer.toml"])
            #expect(check.status == 65 && check.output.contains("layer.toml:5:"), "unknown key: \(check)")
            // A layer directory without install.sh (and no [user_install]) is refused.
            try Self.writeLayer(harness, in: root, name: "noscript", program: "x", output: "x", env: [:])
            try FileManager.default.removeItem(atPath: root + "/noscript/install.sh")
            let noScript = harness.mino(["run", "-q", "--layers", "noscript", "--", "true"])
            #expect(noScript.status == 65 && noScript.stderr.contains("install.sh"), "\(noScript)")
            // Control: a valid manifest passes the same check.
            try Self.writeLayer(harness, in: root, name: "fine", program: "x", output: "x", env: [:])
            #expect(harness.mino(["policy", "check", root + "/fine/layer.toml"]).succeeded)
        }
    }
}
