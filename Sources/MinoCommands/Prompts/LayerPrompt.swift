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

/// The first-run layer picker: asked when the session is interactive and no source chooses
/// the image or the layers (`container.image`, `container.layers`, `MINO_LAYERS`, `--image`,
/// `--layers`). Offers "Base only" and every layer mino can find (project, user, built-in; a
/// name once, as resolution would pick it), then where to save the choice. A saved choice sets
/// one of those keys, so the picker does not come back.
struct LayerPrompt {
    static let keys = ["container.image", "container.layers"]

    /// Whether to ask: interactive, container runtime, nothing but the defaults decides the image.
    static func shouldAsk(_ config: EffectiveConfig, context: CommandContext) -> Bool {
        PromptAnswer.isDue(keys, config: config, context: context)
    }

    let context: CommandContext
    let locations: ConfigLocations
    let projectDirectory: String

    /// The layers on offer, in order: project, user, built-in; each name once.
    func available() -> [ResolvedLayer] {
        let search = LayerSearchPaths(projectDirectory: projectDirectory, userLayers: locations.userLayersDirectory)
        var names = [String]()
        for directory in [search.projectLayers] + (search.userLayers.map { [$0] } ?? []) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            names += entries.sorted().filter {
                FileManager.default.fileExists(atPath: directory + "/" + $0 + "/" + ResolvedLayer.manifestFileName)
            }
        }
        names += BuiltinLayers.names
        var seen = Set<String>()
        var layers = [ResolvedLayer]()
        for name in names where !seen.contains(name) {
            seen.insert(name)
            // A layer that does not resolve (a broken layer.toml) is not offered; naming it
            // with --layers shows its diagnostics.
            if let layer = try? LayerResolution.resolve(
                [Sourced(name, .builtin)], search: search, fileSystem: DiskLayerFileSystem()
            ).first {
                layers.append(layer)
            }
        }
        return layers
    }

    /// Asks both questions and saves the answer; returns the layer that applies the choice to
    /// this run (`nil` when the input closed: the configured image applies).
    func ask() throws(CommandFailure) -> ConfigLayer? {
        let layers = available()
        let menu = Menu(context: context)
        let options =
            [Menu.Option(label: "Base only", hint: "Claude Code, zsh, git; no extra language tools")]
            + layers.map { Menu.Option(label: $0.name, hint: $0.manifest.description.value) }
        guard let picked = menu.chooseMany("Select development tools", options) else { return nil }
        let names = picked.filter { $0 > 0 }.map { layers[$0 - 1].name }
        let (name, value): (String, ConfigValue) =
            names.isEmpty ? ("container.image", .string("base")) : ("container.layers", .strings(names))
        return try PromptAnswer(context: context, locations: locations, projectDirectory: projectDirectory).save(
            name, value, question: "Save this configuration?", asked: "Select development tools")
    }
}
