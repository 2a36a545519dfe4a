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

    static let networkKeys = ["container.network", "container.network_allow", "container.network_preset"]

    /// Whether to ask: interactive, container runtime, and nothing but the built-in defaults
    /// decides the network.
    static func shouldAsk(_ config: EffectiveConfig, context: CommandContext) -> Bool {
        PromptAnswer.isDue(networkKeys, config: config, context: context)
    }

    let context: CommandContext
    let locations: ConfigLocations
    /// The run's project (`-p`, or the working directory): "save to project" writes its file.
    let projectDirectory: String

    /// Asks both questions and saves the answer; returns the layer that applies the choice to
    /// this run (`nil` when the input closed: the built-in default applies).
    func ask() throws(CommandFailure) -> ConfigLayer? {
        let question = "Select network mode"
        guard let index = Menu(context: context).choose(question, Choice.allCases.map(\.option)),
            let choice = Choice(rawValue: index)
        else { return nil }
        let (name, value) = choice.setting
        return try PromptAnswer(context: context, locations: locations, projectDirectory: projectDirectory).save(
            name, .string(value), question: "Save this network setting?", asked: question)
    }
}
