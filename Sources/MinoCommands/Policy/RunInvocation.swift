import Backends
import Diagnostics
import Foundation
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// Turns the run options of `mino run`/`mino plan` into compiler inputs: a `.commandLine`
/// configuration layer for the flags that set configuration keys, and a `RunRequest` for the
/// rest. Every value keeps the origin of the word it was written in.
enum RunInvocation {
    /// The flags that set configuration keys, as a layer; values are validated like file values
    /// and problems come back as diagnostics pointing at the argv word.
    static func commandLineLayer(_ parsed: ParsedCommand) -> (ConfigLayer, [Diagnostic]) {
        var settings = [String: ConfigSetting]()
        func set(
            _ name: String, _ value: ConfigValue, _ origin: Origin, elements: [Origin] = [],
            members: [String: Origin] = [:]
        ) {
            guard let key = ConfigSchema.key(named: name) else { return }
            settings[name] = ConfigSetting(
                key: key, value: value, origin: origin, elementOrigins: elements, memberOrigins: members)
        }
        func setFlag(_ option: OptionKey, _ name: String, _ value: Bool) {
            if let flag = parsed.flagSetting(option), flag.isOn { set(name, .boolean(value), flag.origin) }
        }
        if let network = parsed.value(.network) { set("container.network", .string(network.value), network.origin) }
        let allow = parsed.values(.networkAllow)
        if !allow.isEmpty {
            set("container.network_allow", .strings(allow.map(\.value)), allow[0].origin, elements: allow.map(\.origin))
        }
        if let preset = parsed.value(.networkPreset) {
            set("container.network_preset", .string(preset.value), preset.origin)
        }
        if let image = parsed.value(.image) { set("container.image", .string(image.value), image.origin) }
        let layers = parsed.values(.layers)
        if !layers.isEmpty {
            set("container.layers", .strings(layers.map(\.value)), layers[0].origin, elements: layers.map(\.origin))
        }
        if let runtime = parsed.value(.runtime) {
            set("general.runtime", .string(runtime.value.lowercased()), runtime.origin)
        }
        setFlag(.readOnly, "container.read_only", true)
        setFlag(.noCache, "cache.enabled", false)
        setFlag(.noHome, "home.enabled", false)
        setFlag(.allowRoot, "general.allow_root", true)
        setFlag(.aws, "credentials.aws.enabled", true)
        setFlag(.gcp, "credentials.gcp.enabled", true)
        setFlag(.azure, "credentials.azure.enabled", true)
        if let all = parsed.flagSetting(.allClouds), all.isOn {
            for provider in ["aws", "gcp", "azure"] {
                set("credentials.\(provider).enabled", .boolean(true), all.origin)
            }
        }
        if let github = parsed.flagSetting(.github) {
            set("credentials.github.enabled", .boolean(github.isOn), github.origin)
        }
        let env = parsed.keyValues(.env)
        if !env.isEmpty {
            var members = [String: String]()
            var origins = [String: Origin]()
            for pair in env {
                members[pair.key] = pair.value
                origins[pair.key] = pair.origin
            }
            set("container.env", .table(members), env[0].origin, members: origins)
        }
        var diagnostics = [Diagnostic]()
        for name in settings.keys.sorted() {
            if let setting = settings[name] { diagnostics += ConfigValidation.check(setting) }
        }
        return (ConfigLayer(kind: .commandLine, settings: settings), diagnostics)
    }

    /// `MINO_LAYERS` (comma-separated layer names) as a layer between the project config and
    /// the flags.
    static func environmentLayer(_ environment: [String: String]) -> (ConfigLayer, [Diagnostic]) {
        guard let text = environment["MINO_LAYERS"], let key = ConfigSchema.key(named: "container.layers") else {
            return (ConfigLayer(kind: .environment), [])
        }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { return (ConfigLayer(kind: .environment), []) }
        let origin = Origin.environment(variable: "MINO_LAYERS")
        let setting = ConfigSetting(
            key: key, value: .strings(names), origin: origin, elementOrigins: names.map { _ in origin })
        return (ConfigLayer(kind: .environment, settings: [key.name: setting]), ConfigValidation.check(setting))
    }

    /// The rest of the invocation. The project directory is `-p` (resolved to an absolute,
    /// symlink-free path that must be a directory) or the working directory.
    static func request(_ parsed: ParsedCommand, context: CommandContext) throws(CommandFailure) -> RunRequest {
        let project: Sourced<String>
        if let given = parsed.value(.project) {
            let absolute = ConfigLocations.absolute(
                ConfigLocations.expandingTilde(
                    given.value, home: ConfigLocations.home(environment: context.environment)),
                from: context.currentDirectory)
            guard context.files.read(absolute) == .directory else {
                throw CommandFailure(exitCode: .noInput, diagnostics: [.projectNotFound(given.value, at: given.origin)])
            }
            project = Sourced(ConfigLocations.canonical(absolute), given.origin)
        } else {
            project = Sourced(ConfigLocations.canonical(context.currentDirectory), .builtin)
        }
        let origin: Origin? = project.origin == .builtin ? nil : project.origin
        if let refusal = ProjectRoot.check(project.value, protected: protectedDirectories(context), at: origin) {
            throw CommandFailure(exitCode: .usageError, diagnostics: [refusal])
        }
        var command: Sourced<[String]>?
        if let first = parsed.passthrough.first {
            command = Sourced(parsed.passthrough.map(\.value), first.origin)
        }
        func flag(_ key: OptionKey) -> Sourced<Bool> {
            parsed.flagSetting(key).map { Sourced($0.isOn, $0.origin) } ?? Sourced(false, .builtin)
        }
        return RunRequest(
            projectDirectory: project, command: command,
            sessionName: parsed.value(.name).map { Sourced($0.value, $0.origin) },
            detach: flag(.detach), volumes: parsed.values(.volume).map { Sourced($0.value, $0.origin) },
            strictCredentials: flag(.strictCredentials),
            sshAgent: parsed.flagSetting(.sshAgent).map { Sourced($0.isOn, $0.origin) }, cacheFresh: flag(.cacheFresh))
    }
}

extension RunInvocation {
    /// The directories a project root may not be, or contain, with their symlinks resolved
    /// like the project path they are compared with.
    static func protectedDirectories(_ context: CommandContext) -> ProtectedDirectories {
        let environment = context.environment
        let home = ConfigLocations.home(environment: environment)
        let uid = context.hostFacts?.userID ?? getuid()
        let configFile = ConfigLocations.defaultGlobalConfigPath(environment: environment, home: home)
        let userRuntime = environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        return ProtectedDirectories(
            home: ConfigLocations.canonical(home), userID: uid,
            configDirectory: ConfigLocations.canonical(ConfigLocations.parent(of: configFile)),
            stateDirectory: ConfigLocations.canonical(StateDirectory(environment: environment).path),
            runtimeDirectory: ConfigLocations.canonical(
                context.hostFacts?.runtimeDirectory
                    ?? HostFactsProbe.runtimeDirectory(uid: uid, environment: environment)),
            userRuntimeDirectory: userRuntime.map(ConfigLocations.canonical))
    }
}

extension Diagnostic {
    static func projectNotFound(_ path: String, at origin: Origin) -> Diagnostic {
        .error(
            "policy.project-not-found", "the project directory `\(path)` does not exist or is not a directory",
            at: origin, help: "pass an existing directory with `-p`")
    }
}
