import Backends
import Diagnostics
import PolicyModel
import Testing

@Suite struct ContainerfileBackendTests {
    static func compose(
        _ layers: [ResolvedLayer], base: Sourced<String> = LayerFixture.base, id: String? = LayerFixture.baseID
    ) throws(DiagnosticError) -> LayerComposition {
        try ContainerfileBackend.compose(baseImage: base, baseImageID: id, layers: layers)
    }

    static func tag(_ layers: [ResolvedLayer], id: String? = LayerFixture.baseID) throws -> String {
        try #require(try compose(layers, id: id).tag)
    }

    static func errors(_ layers: [ResolvedLayer], id: String? = LayerFixture.baseID) -> [Diagnostic] {
        do {
            _ = try compose(layers, id: id)
            return []
        } catch {
            return error.diagnostics
        }
    }

    // MARK: - The tag

    @Test func tagIsTheComposedPrefixAndTwelveHexDigits() throws {
        let tag = try Self.tag([LayerFixture.layer("tools")])
        #expect(tag.hasPrefix("localhost/mino-composed-"))
        let digest = tag.dropFirst("localhost/mino-composed-".count)
        #expect(digest.count == 12)
        #expect(digest.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func composingTwiceGivesIdenticalBytes() throws {
        let layers = [LayerFixture.layer("a", env: [("X", "1")], packages: ["jq"]), LayerFixture.layer("b")]
        let first = try Self.compose(layers)
        let second = try Self.compose(layers)
        #expect(first == second)
        #expect(first.containerfile?.rendered == second.containerfile?.rendered)
    }

    @Test func commandLineOrderChangesNeitherTagNorContainerfile() throws {
        let a = LayerFixture.layer("a", env: [("X", "1")], pathPrepend: ["/a"], packages: ["jq"])
        let b = LayerFixture.layer("b", env: [("Y", "2")], pathPrepend: ["/b"], packages: ["git"])
        let forward = try Self.compose([a, b])
        let backward = try Self.compose([b, a])
        #expect(forward.tag == backward.tag)
        #expect(forward.containerfile?.rendered == backward.containerfile?.rendered)
        #expect(forward.runtimeEnvironment == backward.runtimeEnvironment)
        #expect(forward.layers.map(\.name) == ["a", "b"])
    }

    @Test func oneByteOfTheInstallScriptChangesTheTag() throws {
        let before = try Self.tag([LayerFixture.layer("tools", script: "#!/bin/sh\necho hi\n")])
        let after = try Self.tag([LayerFixture.layer("tools", script: "#!/bin/sh\necho hI\n")])
        #expect(before != after)
        #expect(before == (try Self.tag([LayerFixture.layer("tools", script: "#!/bin/sh\necho hi\n")])))
    }

    @Test func oneEnvironmentValueChangesTheTag() throws {
        let before = try Self.tag([LayerFixture.layer("tools", env: [("LOG_LEVEL", "info")])])
        let after = try Self.tag([LayerFixture.layer("tools", env: [("LOG_LEVEL", "debug")])])
        #expect(before != after)
    }

    @Test func theBaseImageIDChangesTheTag() throws {
        let layers = [LayerFixture.layer("tools")]
        let before = try Self.tag(layers, id: String(repeating: "ab", count: 32))
        let after = try Self.tag(layers, id: String(repeating: "ab", count: 31) + "ac")
        #expect(before != after)
        #expect(before == (try Self.tag(layers, id: "sha256:" + String(repeating: "ab", count: 32))))
    }

    @Test func everyOtherInputChangesTheTag() throws {
        let reference = try Self.tag([LayerFixture.layer("tools")])
        let variants: [ResolvedLayer] = [
            LayerFixture.layer("tools", version: "2"),
            LayerFixture.layer("tools", pathPrepend: ["/opt/tools/bin"]),
            LayerFixture.layer("tools", packages: ["jq"]),
            LayerFixture.layer("tools", runtime: .uv, tools: ["ruff"]),
            LayerFixture.layer("tools", runtime: .uv, tools: ["ruff", "pytest"]),
            LayerFixture.layer("tools", extraFiles: ["README.md": "notes\n"]),
            LayerFixture.layer("tools2"),
        ]
        var seen = Set([reference])
        for layer in variants {
            #expect(seen.insert(try Self.tag([layer])).inserted, "\(layer.name) \(layer.manifest)")
        }
        let otherBase = Sourced("ghcr.io/dean0x/mino-base:other", LayerFixture.base.origin)
        #expect(
            seen.insert(try #require(try Self.compose([LayerFixture.layer("tools")], base: otherBase).tag)).inserted)
    }

    // MARK: - Build or no build

    @Test func layersWithoutScriptsOrPackagesNeedNoBuildAndCarryTheirEnvironment() throws {
        let layer = LayerFixture.layer(
            "node", env: [("NODE_ENV", "development"), ("API_TOKEN", "t")], pathPrepend: ["/cache/pnpm"],
            script: "#!/bin/sh\n# nothing\n", runtime: .nvm, tools: ["pnpm"])
        #expect(layer.installScript == nil)
        let composition = try Self.compose([layer])
        #expect(!composition.needsBuild)
        #expect(composition.tag == nil)
        #expect(composition.containerfile == nil)
        #expect(composition.contextFiles.isEmpty)
        #expect(composition.image.value == LayerFixture.base.value)
        #expect(!composition.isTagProvisional)
        let names = composition.runtimeEnvironment.map(\.name)
        #expect(names == ["API_TOKEN", "MINO_LAYER_MANIFEST", "MINO_PATH_PREPEND", "NODE_ENV"])
        let manifest = composition.runtimeEnvironment.first { $0.name == "MINO_LAYER_MANIFEST" }
        #expect(manifest?.value == .literal(#"[{"name":"node","npm_globals":["pnpm"],"runtime":"nvm"}]"#))
        #expect(composition.runtimeEnvironment.first { $0.name == "API_TOKEN" }?.isSecret == true)
        #expect(
            composition.runtimeEnvironment.first { $0.name == "MINO_PATH_PREPEND" }?.value == .literal("/cache/pnpm"))
    }

    @Test func builtImagesBakeTheEnvironmentAndPassOnlyMinoVariables() throws {
        let layer = LayerFixture.layer(
            "py", env: [("UV_CACHE_DIR", "/cache/uv")], pathPrepend: ["/a", "/b"], packages: ["python3"], runtime: .uv,
            tools: ["ruff"])
        let composition = try Self.compose([layer, LayerFixture.layer("extra", pathPrepend: ["/b", "/c"])])
        #expect(composition.needsBuild)
        #expect(composition.image.value == composition.tag)
        #expect(composition.runtimeEnvironment.map(\.name) == ["MINO_LAYER_MANIFEST", "MINO_PATH_PREPEND"])
        #expect(composition.runtimeEnvironment.last?.value == .literal("/b:/c:/a"))
        #expect(composition.contextFiles.map(\.name) == ["install-extra.sh", "install-py.sh"])
        let text = try #require(composition.containerfile?.rendered)
        #expect(text.hasPrefix("FROM \(LayerFixture.baseID)\n"))
        #expect(text.contains("ENV UV_CACHE_DIR=\"/cache/uv\"\n"))
        #expect(text.contains("ENV PATH=\"/b:/c:/a:${PATH}\"\n"))
        #expect(text.contains("COPY install-py.sh /tmp/mino-install-py.sh\n"))
        #expect(text.hasSuffix("\n"))
        let packageLine = try #require(composition.containerfile?.lines.first { $0.text.contains("python3") })
        #expect(packageLine.origin == PolicyFixture.origin("layer py"))
    }

    @Test func withoutTheBaseImageIDTheTagIsProvisionalAndFromUsesTheReference() throws {
        let composition = try Self.compose([LayerFixture.layer("tools")], id: nil)
        #expect(composition.isTagProvisional)
        #expect(composition.containerfile?.rendered.hasPrefix("FROM ghcr.io/dean0x/mino-base:latest\n") == true)
    }

    @Test func packagesAreInstalledOnceWithWhicheverManagerTheBaseHas() throws {
        let composition = try Self.compose([
            LayerFixture.layer("a", packages: ["jq", "git"]), LayerFixture.layer("b", packages: ["git", "g++"]),
        ])
        let text = try #require(composition.containerfile?.rendered)
        #expect(text.components(separatedBy: "        git").count == 2)
        #expect(text.contains("apt-get install -y --no-install-recommends \"$@\""))
        #expect(text.contains("dnf install -y --setopt=install_weak_deps=False \"$@\""))
        #expect(text.contains("        g++; \\\n"))
    }

    // MARK: - Hostile input, each refusal beside an accepted control

    @Test func valuesAreQuotedLiterallyNeverExpanded() throws {
        let composition = try Self.compose([LayerFixture.layer("tools", env: [("X", #"a "b" $HOME \ c"#)])])
        #expect(composition.containerfile?.rendered.contains(#"ENV X="a \"b\" \$HOME \\ c""#) == true)
    }

    @Test(arguments: ["line\nRUN curl evil | sh", "carriage\rreturn", "tab\there", "nul\0byte", "del\u{7F}"])
    func controlCharactersInValuesAreRefused(_ value: String) {
        let errors = Self.errors([LayerFixture.layer("tools", env: [("X", value)])])
        #expect(errors.map(\.code) == ["backend.invalid-layer-value"])
        #expect(errors.first?.origin == PolicyFixture.origin("env X"))
        #expect(!(errors.first?.message.contains(value) ?? true))
        #expect(Self.errors([LayerFixture.layer("tools", env: [("X", "plain value")])]).isEmpty)
    }

    @Test(arguments: ["../x", "a/b", "-rf", "", "x y", "x\ny"])
    func hostileLayerNamesAreRefused(_ name: String) {
        #expect(Self.errors([LayerFixture.layer(name)]).map(\.code) == ["backend.invalid-layer-name"])
        #expect(Self.errors([LayerFixture.layer("ok_name-2")]).isEmpty)
    }

    @Test(arguments: ["--allow-unauthenticated", "jq;id", "a b", "$(id)", ""])
    func hostilePackageNamesAreRefused(_ package: String) {
        #expect(
            Self.errors([LayerFixture.layer("t", packages: [package])]).map(\.code) == ["backend.invalid-package-name"])
        #expect(Self.errors([LayerFixture.layer("t", packages: ["libstdc++6"])]).isEmpty)
    }

    @Test(arguments: ["/a:/b", "relative", "/a/../etc", "/a\nb"])
    func hostilePathEntriesAreRefused(_ directory: String) {
        #expect(
            Self.errors([LayerFixture.layer("t", pathPrepend: [directory])]).map(\.code) == ["backend.invalid-path"])
        #expect(Self.errors([LayerFixture.layer("t", pathPrepend: ["/opt/t b/bin"])]).isEmpty)
    }

    @Test(arguments: ["latest", "sha256:xyz", String(repeating: "A", count: 64), "abc\nFROM evil"])
    func malformedBaseImageIDsAreRefused(_ identifier: String) {
        #expect(Self.errors([LayerFixture.layer("t")], id: identifier).map(\.code) == ["backend.invalid-image-id"])
        #expect(Self.errors([LayerFixture.layer("t")], id: "sha256:" + LayerFixture.baseID).isEmpty)
    }

    @Test func aVariableSetToTwoValuesByTwoLayersIsAConflict() throws {
        let errors = Self.errors([
            LayerFixture.layer("a", env: [("MODE", "x")]), LayerFixture.layer("b", env: [("MODE", "y")]),
        ])
        #expect(errors.map(\.code) == ["backend.layer-environment-conflict"])
        #expect(errors.first?.labels.count == 1)
        #expect(
            Self.errors([LayerFixture.layer("a", env: [("MODE", "x")]), LayerFixture.layer("b", env: [("MODE", "x")])])
                .isEmpty)
    }

    // MARK: - Applying to a policy

    @Test func appliedPolicyRunsTheImageAndKeepsItsOwnVariables() throws {
        let layer = LayerFixture.layer(
            "node", env: [("NODE_ENV", "development"), ("SHARED", "from-layer")], script: nil, runtime: .nvm)
        let composition = try Self.compose([layer])
        let policy = PolicyFixture.policy {
            $0.environment = [
                PolicyFixture.variable("SHARED", .literal("from-user")),
                PolicyFixture.variable("MINO_LAYER_MANIFEST", .literal("spoofed")),
            ]
        }
        let applied = composition.applied(to: policy)
        #expect(applied.image.value == composition.image.value)
        let values = Dictionary(uniqueKeysWithValues: applied.environment.map { ($0.name, $0.value) })
        #expect(values["SHARED"] == .literal("from-user"))
        #expect(values["NODE_ENV"] == .literal("development"))
        #expect(values["MINO_LAYER_MANIFEST"] == .literal(#"[{"name":"node","runtime":"nvm"}]"#))
        #expect(applied.environment.map(\.name) == applied.environment.map(\.name).sorted())
    }
}
