import Diagnostics
import PolicyModel

/// Resolved layers built by hand (as resolution would produce them), for composition tests.
enum LayerFixture {
    static let base = Sourced("ghcr.io/dean0x/mino-base:latest", PolicyFixture.origin("base"))
    static let baseID = String(repeating: "ab", count: 32)

    static func layer(
        _ name: String, version: String = "1", env: [(String, String)] = [], pathPrepend: [String] = [],
        packages: [String] = [], script: String? = "#!/bin/sh\necho hi\n", runtime: UserInstall.Runtime? = nil,
        tools: [String] = [], extraFiles: [String: String] = [:], scope: LayerScope = .user
    ) -> ResolvedLayer {
        let origin = PolicyFixture.origin("layer \(name)")
        var userInstall: UserInstall?
        if let runtime {
            userInstall = UserInstall(
                runtime: Sourced(runtime, origin), npmGlobals: runtime == .nvm ? tools.map { Sourced($0, origin) } : [],
                cargoTools: runtime == .rustup ? tools.map { Sourced($0, origin) } : [],
                uvTools: runtime == .uv ? tools.map { Sourced($0, origin) } : [], origin: origin)
        }
        let manifest = LayerManifest(
            name: Sourced(name, origin), description: Sourced("d", origin), version: Sourced(version, origin),
            environment: env.map {
                LayerVariable(name: $0.0, value: $0.1, origin: PolicyFixture.origin("env \($0.0)"))
            },
            pathPrepend: pathPrepend.map { Sourced($0, origin) }, rootPackages: packages.map { Sourced($0, origin) },
            userInstall: userInstall, origin: origin)
        var files = [LayerFile(path: "layer.toml", bytes: Array("[layer]\nname = \"\(name)\"\n".utf8))]
        if let script { files.append(LayerFile(path: "install.sh", bytes: Array(script.utf8))) }
        for (path, text) in extraFiles { files.append(LayerFile(path: path, bytes: Array(text.utf8))) }
        return ResolvedLayer(
            requested: Sourced(name, origin), scope: scope, directory: "/layers/\(name)", manifest: manifest,
            files: files)
    }
}
