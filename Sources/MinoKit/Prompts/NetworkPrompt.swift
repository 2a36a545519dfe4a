import Foundation
import PolicyCompiler
import PolicyModel

/// The first-run network question: asked when the session is interactive and no source sets
/// any network key (`container.network`, `network_allow`, `network_preset`), then optionally
/// saved to the project's `.mino.toml` or the global config.
///
/// Any saved answer — the default `bridge` included — sets a network key, so the question does
/// not come back; and saving into a project file the user had accepted keeps it accepted, so
/// the answer does not trigger a trust prompt either.
struct NetworkPrompt {
    enum Choice: Int, CaseIterable {
        case bridge, host, allowDev, allowRegistries, none

        var option: Menu.Option {
            switch self {
            case .bridge:
                return Menu.Option(label: "Bridge (recommended)", hint: "full internet, isolated from host services")
            case .host: return Menu.Option(label: "Host", hint: "full host network (local databases, APIs)")
            case .allowDev:
                return Menu.Option(label: "Allowlist: dev", hint: "GitHub, npm, crates.io, PyPI, AI APIs only")
            case .allowRegistries:
                return Menu.Option(label: "Allowlist: registries", hint: "package registries only (most restrictive)")
            case .none: return Menu.Option(label: "None", hint: "no network (air-gapped)")
            }
        }

        /// The key and value that record the choice.
        var setting: (key: String, value: String) {
            switch self {
            case .bridge: return ("container.network", "bridge")
            case .host: return ("container.network", "host")
            case .allowDev: return ("container.network_preset", "dev")
            case .allowRegistries: return ("container.network_preset", "registries")
            case .none: return ("container.network", "none")
            }
        }
    }

    enum Destination: Int, CaseIterable {
        case project, global, nowhere
    }

    static let networkKeys = ["container.network", "container.network_allow", "container.network_preset"]

    /// Whether to ask: interactive, container runtime, and nothing but the built-in defaults
    /// decides the network.
    static func shouldAsk(_ config: EffectiveConfig, context: CommandContext) -> Bool {
        guard context.isInteractive, case .string("container")? = config.value("general.runtime") else { return false }
        return !config.layers.contains { layer in
            layer.kind != .builtin && networkKeys.contains { layer[$0] != nil }
        }
    }

    let context: CommandContext
    let locations: ConfigLocations
    /// The run's project (`-p`, or the working directory): "save to project" writes its file.
    let projectDirectory: String

    /// Asks both questions and saves the answer; returns the layer that applies the choice to
    /// this run (`nil` when the input closed: the built-in default applies).
    func ask() throws(CommandFailure) -> ConfigLayer? {
        let menu = Menu(context: context)
        guard let index = menu.choose("Select network mode", Choice.allCases.map(\.option)),
            let choice = Choice(rawValue: index)
        else { return nil }
        let project = ConfigFileEditing.projectFile(locations, from: projectDirectory)
        let destinations = [
            Menu.Option(label: "Save to \(locations.display(project))", hint: "this project only"),
            Menu.Option(label: "Save to global config", hint: locations.display(locations.globalConfigPath)),
            Menu.Option(label: "Don't save", hint: "ask again next time"),
        ]
        let destination = menu.choose("Save this network setting?", destinations).flatMap(Destination.init) ?? .nowhere
        let (name, value) = choice.setting
        guard let key = ConfigSchema.key(named: name) else { return nil }
        let editing = ConfigFileEditing(locations: locations, context: context)
        switch destination {
        case .project:
            try editing.set(key.path, to: .string(value), in: project, local: true)
            context.standardError.write("Saved \(name) = \"\(value)\" in \(locations.display(project))\n")
        case .global:
            try editing.set(key.path, to: .string(value), in: locations.globalConfigPath, local: false)
            context.standardError.write(
                "Saved \(name) = \"\(value)\" in \(locations.display(locations.globalConfigPath))\n")
        case .nowhere:
            break
        }
        let setting = ConfigSetting(key: key, value: .string(value), origin: .prompt(question: "Select network mode"))
        return ConfigLayer(kind: .environment, settings: [name: setting])
    }
}
