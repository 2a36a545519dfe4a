import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
import TOML

/// What the first-run questions share: asking where an answer goes (the run's project file, the
/// global config, or nowhere), writing it there with the format-preserving editor, and the
/// configuration layer that applies the answer to this run.
struct PromptAnswer {
    let context: CommandContext
    let locations: ConfigLocations
    /// The run's project (`-p`, or the working directory): "save to project" writes its file.
    let projectDirectory: String

    /// Asks `question` about saving `value` for the key `name`, saves it, and returns the layer
    /// for this run (origin: the prompt `asked`). `nil` only for a key the schema lacks.
    func save(_ name: String, _ value: ConfigValue, question: String, asked: String) throws(CommandFailure)
        -> ConfigLayer?
    {
        guard let key = ConfigSchema.key(named: name) else { return nil }
        let project = ConfigFileEditing.projectFile(locations, from: projectDirectory)
        let destinations = [
            Menu.Option(label: "Save to \(locations.display(project))", hint: "this project only"),
            Menu.Option(label: "Save to global config", hint: locations.display(locations.globalConfigPath)),
            Menu.Option(label: "Don't save", hint: "ask again next time"),
        ]
        let file: (path: String, local: Bool)?
        switch Menu(context: context).choose(question, destinations) {
        case 0: file = (project, true)
        case 1: file = (locations.globalConfigPath, false)
        default: file = nil
        }
        if let file {
            try ConfigFileEditing(locations: locations, context: context).set(
                key.path, to: value.tomlKind, in: file.path, local: file.local)
            context.standardError.write("Saved \(name) = \(value.tomlText) in \(locations.display(file.path))\n")
        }
        let origin = Origin.prompt(question: asked)
        var elements = [Origin]()
        if case .strings(let values) = value { elements = values.map { _ in origin } }
        return ConfigLayer(
            kind: .environment,
            settings: [name: ConfigSetting(key: key, value: value, origin: origin, elementOrigins: elements)])
    }

    /// Whether a first-run question about `keys` is due: an interactive container run where no
    /// source but the built-in defaults sets any of them.
    static func isDue(_ keys: [String], config: EffectiveConfig, context: CommandContext) -> Bool {
        guard context.isInteractive, case .string("container")? = config.value("general.runtime") else { return false }
        return !config.layers.contains { layer in layer.kind != .builtin && keys.contains { layer[$0] != nil } }
    }
}
