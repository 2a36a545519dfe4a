import Diagnostics
import PolicyModel
import TOML

/// The message catalogue of layer manifests and layer resolution. Codes are `layer.*`; user
/// input is shown in backticks with control characters escaped.
extension Diagnostic {
    static func layerUnknownKey(_ path: String, suggestion: String?, valid: [String], at origin: Origin) -> Diagnostic {
        .error(
            "layer.unknown-key", "unknown key `\(shown(path))`", at: origin,
            help: suggestion.map { "did you mean `\($0)`?" }
                ?? "valid keys here: " + valid.map { "`\($0)`" }.joined(separator: ", "))
    }

    static func layerWrongType(_ path: String, expected: String, found: String, example: String, at origin: Origin)
        -> Diagnostic
    {
        .error(
            "layer.wrong-type",
            "`\(shown(path))` must be \(expected), found \(englishArticle(found)) \(found)", at: origin,
            help: "for example: `\(example)`")
    }

    static func layerMissingKey(_ path: String, example: String, at origin: Origin) -> Diagnostic {
        .error("layer.missing-key", "`\(path)` is missing", at: origin, help: "add `\(example)`")
    }

    static func layerMissingLayerTable(at origin: Origin) -> Diagnostic {
        .error(
            "layer.missing-key", "the manifest has no `[layer]` table", at: origin,
            help: "start it with `[layer]` and its `name`, `description` and `version`")
    }

    static func layerInvalidValue(_ path: String, value: String, reason: String, help: String, at origin: Origin)
        -> Diagnostic
    {
        .error("layer.invalid-value", "`\(path)` entry `\(shown(value))` \(reason)", at: origin, help: help)
    }

    static func layerInvalidChoice(_ path: String, value: String, choices: [String], at origin: Origin) -> Diagnostic {
        let suggestion = NameSuggestion.closest(to: value, in: choices)
        return .error(
            "layer.invalid-value",
            "`\(path)` must be one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
                + ", found \"\(shown(value))\"",
            at: origin, help: suggestion.map { "did you mean \"\($0)\"?" })
    }

    static func layerToolsNeedRuntime(_ path: String, runtime: String, at origin: Origin) -> Diagnostic {
        .error(
            "layer.invalid-value", "`\(path)` needs `runtime = \"\(runtime)\"`", at: origin,
            help: "set `runtime = \"\(runtime)\"` in `[user_install]`, or remove the list")
    }

    static func layerNameMismatch(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .error(
            "layer.name-mismatch",
            "the manifest names the layer `\(shown(name))`, but it is in the directory `\(shown(directory))`",
            at: origin, help: "write `name = \"\(shown(directory))\"`, or rename the directory")
    }

    static func layerInvalidName(_ name: String, at origin: Origin?) -> Diagnostic {
        if name.isEmpty {
            return .error(
                "layer.invalid-name", "a layer name cannot be empty", at: origin,
                help: "name a layer such as `python`, or a directory under `.mino/layers/`")
        }
        return .error(
            "layer.invalid-name", "`\(shown(name))` is not a valid layer name", at: origin,
            help: "layer names use letters, digits, `_` and `-` (at most 64) and do not start with `-`")
    }

    static func layerNotFound(_ name: String, searched: [String], builtins: [String], at origin: Origin?)
        -> Diagnostic
    {
        let places =
            searched.map { "`\(shown($0))`" } + [
                "the built-in layers (" + builtins.joined(separator: ", ")
                    + ")"
            ]
        return .error(
            "layer.not-found", "layer `\(shown(name))` not found; searched " + places.joined(separator: ", "),
            at: origin,
            help: "create a layer with `layer.toml` and `install.sh` in `.mino/layers/\(shown(name))/` "
                + "of the project or in the `layers/\(shown(name))/` directory beside your config.toml")
    }

    static func layerNotADirectory(_ path: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.not-a-directory", "`\(shown(path))` is not a directory", at: origin,
            help: "a layer is a directory holding `layer.toml` (and usually `install.sh`)")
    }

    static func layerSymbolicLink(_ path: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.symbolic-link", "`\(shown(path))` is a symbolic link; layers may not contain links",
            at: origin,
            help: "copy the file into the layer directory: a link could pull files from outside it into the image")
    }

    static func layerSpecialFile(_ path: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.special-file", "`\(shown(path))` is not a regular file or directory", at: origin,
            help: "remove FIFOs, sockets and device files from the layer directory")
    }

    static func layerUnreadable(_ path: String, reason: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.unreadable", "cannot read `\(shown(path))`: \(reason)", at: origin,
            help: "check that the layer directory and its files are readable")
    }

    static func layerTooLarge(_ path: String, limit: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.too-large", "the layer directory `\(shown(path))` holds more than \(limit)", at: origin,
            help: "keep only `layer.toml`, `install.sh` and what they need; download large files in `install.sh`")
    }

    static func layerMissingManifest(_ directory: String, at origin: Origin?) -> Diagnostic {
        .error(
            "layer.missing-manifest", "the layer directory `\(shown(directory))` has no `layer.toml`", at: origin,
            help: "add a `layer.toml` with a `[layer]` table (`name`, `description`, `version`)")
    }

    static func layerMissingInstallScript(_ path: String, at origin: Origin) -> Diagnostic {
        .error(
            "layer.missing-install-script", "the layer has no install script `\(shown(path))`", at: origin,
            help: "add an `install.sh` beside `layer.toml`, or declare a `[user_install]` runtime or tools")
    }
}
