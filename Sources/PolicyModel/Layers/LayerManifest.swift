/// A language layer's manifest (`layer.toml`), decoded and validated, each value with the span
/// it was written at.
///
/// ```toml
/// [layer]
/// name = "python"            # must equal the layer's directory name
/// description = "Python 3 + uv"
/// version = "2"
///
/// [env]
/// UV_CACHE_DIR = "/cache/uv"
/// [env.path_prepend]
/// dirs = ["/home/developer/.local/bin"]
///
/// [cache]
/// paths = ["/cache/uv"]
///
/// [root_install]
/// packages = ["python3", "python3-dev"]
///
/// [user_install]
/// runtime = "uv"
/// uv_tools = ["ruff", "pytest"]
/// ```
///
/// Equality ignores origins, like the rest of the IR.
import Diagnostics

public struct LayerManifest: Hashable, Sendable {
    /// `layer.name`: a valid layer name, equal to the directory the layer was found in.
    public var name: Sourced<String>
    /// `layer.description`, shown by the layer picker.
    public var description: Sourced<String>
    /// `layer.version`; part of the composed image's tag.
    public var version: Sourced<String>
    /// `[env]`: variables set in the composed image (or passed at run time when no image is
    /// built), sorted by name, each name once.
    public var environment: [LayerVariable]
    /// `[env.path_prepend] dirs`: absolute directories put in front of `PATH`, in order.
    public var pathPrepend: [Sourced<String>]
    /// `[cache] paths`: absolute paths the layer caches into (informational).
    public var cachePaths: [Sourced<String>]
    /// `[root_install] packages`: distribution packages installed as root in the image build.
    public var rootPackages: [Sourced<String>]
    /// `[user_install]`, when the table is present.
    public var userInstall: UserInstall?
    /// Where the `[layer]` table is written; diagnostics about the layer as a whole point here.
    public var origin: Origin

    /// Creates a manifest.
    public init(
        name: Sourced<String>, description: Sourced<String>, version: Sourced<String>,
        environment: [LayerVariable] = [], pathPrepend: [Sourced<String>] = [], cachePaths: [Sourced<String>] = [],
        rootPackages: [Sourced<String>] = [], userInstall: UserInstall? = nil, origin: Origin
    ) {
        self.name = name
        self.description = description
        self.version = version
        self.environment = environment
        self.pathPrepend = pathPrepend
        self.cachePaths = cachePaths
        self.rootPackages = rootPackages
        self.userInstall = userInstall
        self.origin = origin
    }

    /// Whether the layer installs anything for the user at first start: a runtime, or any
    /// tool. A `runtime_version` alone does not count.
    public var hasUserInstall: Bool { userInstall.map { !$0.isEmpty } ?? false }

    public static func == (lhs: LayerManifest, rhs: LayerManifest) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.version == rhs.version
            && lhs.environment == rhs.environment && lhs.pathPrepend == rhs.pathPrepend
            && lhs.cachePaths == rhs.cachePaths && lhs.rootPackages == rhs.rootPackages
            && lhs.userInstall == rhs.userInstall
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(version)
    }
}

/// One `[env]` entry of a layer manifest.
public struct LayerVariable: Hashable, Sendable {
    /// The variable name (validated: `[A-Za-z_][A-Za-z0-9_]*`, not `PATH`, not `MINO_*`).
    public var name: String
    /// The value exactly as written; backends refuse control characters.
    public var value: String
    /// Where the key is written.
    public var origin: Origin

    /// Creates a variable.
    public init(name: String, value: String, origin: Origin) {
        self.name = name
        self.value = value
        self.origin = origin
    }

    public static func == (lhs: LayerVariable, rhs: LayerVariable) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// `[user_install]`: what the image's bootstrap installs into the user's home at first start
/// (it reads `MINO_LAYER_MANIFEST`).
public struct UserInstall: Hashable, Sendable {
    /// The language runtime manager.
    public enum Runtime: String, Hashable, Sendable, CaseIterable {
        /// Node.js through nvm; tools from `npm_globals`.
        case nvm
        /// Rust through rustup; tools from `cargo_tools`.
        case rustup
        /// Python tools through uv; tools from `uv_tools`.
        case uv
    }

    /// `runtime`, if set.
    public var runtime: Sourced<Runtime>?
    /// `runtime_version` (e.g. `22`, `stable`), if set.
    public var runtimeVersion: Sourced<String>?
    /// `npm_globals` (runtime `nvm` only).
    public var npmGlobals: [Sourced<String>]
    /// `cargo_tools` (runtime `rustup` only).
    public var cargoTools: [Sourced<String>]
    /// `uv_tools` (runtime `uv` only).
    public var uvTools: [Sourced<String>]
    /// Where the `[user_install]` table is written.
    public var origin: Origin

    /// Creates a user install.
    public init(
        runtime: Sourced<Runtime>?, runtimeVersion: Sourced<String>? = nil, npmGlobals: [Sourced<String>] = [],
        cargoTools: [Sourced<String>] = [], uvTools: [Sourced<String>] = [], origin: Origin
    ) {
        self.runtime = runtime
        self.runtimeVersion = runtimeVersion
        self.npmGlobals = npmGlobals
        self.cargoTools = cargoTools
        self.uvTools = uvTools
        self.origin = origin
    }

    /// Whether nothing would be installed: no runtime and no tools.
    public var isEmpty: Bool { runtime == nil && npmGlobals.isEmpty && cargoTools.isEmpty && uvTools.isEmpty }

    /// The entry of `MINO_LAYER_MANIFEST` for the layer `name`: empty and unset fields omitted.
    public func manifestEntry(name: String) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(name)]
        if let runtime { object["runtime"] = .string(runtime.value.rawValue) }
        if let runtimeVersion { object["runtime_version"] = .string(runtimeVersion.value) }
        for (key, list) in [("npm_globals", npmGlobals), ("cargo_tools", cargoTools), ("uv_tools", uvTools)]
        where !list.isEmpty {
            object[key] = .array(list.map { .string($0.value) })
        }
        return .object(object)
    }

    public static func == (lhs: UserInstall, rhs: UserInstall) -> Bool {
        lhs.runtime == rhs.runtime && lhs.runtimeVersion == rhs.runtimeVersion && lhs.npmGlobals == rhs.npmGlobals
            && lhs.cargoTools == rhs.cargoTools && lhs.uvTools == rhs.uvTools
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(runtime?.value)
        hasher.combine(npmGlobals.count)
    }
}
