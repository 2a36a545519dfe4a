import Diagnostics
import PolicyModel
import TOML

/// The commented files `mino config init` and `mino init` write. Every key is commented out at
/// its default, so a fresh file changes nothing and passes `mino policy check`; uncommenting a
/// line is the whole edit.
public enum ConfigTemplate {
    /// The global config: every settable key of the schema, by section, with its summary.
    public static func global() -> String {
        var out = """
            # mino global configuration. Every key below is shown commented out at its default.
            # Uncomment and edit a line to change it; `mino policy check` validates this file and
            # `mino config set KEY VALUE` edits it without touching comments.
            version = \(ConfigSchema.currentVersion)

            """
        var section: [String]?
        for key in ConfigSchema.keys {
            let table = Array(key.path.dropLast())
            if table != section {
                out += "\n[\(table.joined(separator: "."))]\n"
                if key.trust == .userOnly {
                    out += "# Only this file may set these: a project's .mino.toml that does is refused.\n"
                }
                section = table
            }
            out += "# \(key.summary)\n"
            out += "# \(key.path.last ?? key.name) = \(example(key))\n"
        }
        return out
    }

    /// A project's `.mino.toml`: the settings a repository usually pins, commented out.
    public static func project() -> String {
        """
        # mino policy for this project, reviewed like code. A project file may narrow the
        # sandbox freely; settings that widen it (more hosts, volumes, credentials, another
        # image) apply only after each user approves this exact file.
        # Check it with `mino policy check .mino.toml`; see the effect with `mino plan`.
        version = \(ConfigSchema.currentVersion)

        [container]
        # Network: "bridge" (full internet), "host", or "none"; or an allowlist:
        # network = "none"
        # network_preset = "dev"                     # or "registries"
        # network_allow = ["github.com:443", "registry.npmjs.org:443"]

        # Language layers composed onto the base image (typescript, rust, python, or your own
        # in .mino/layers/NAME/):
        # layers = ["typescript"]

        # Mount the project read-only:
        # read_only = true

        [cache]
        # Dependency caches keyed by the project's lockfiles:
        # enabled = true

        [credentials.github]
        # Pass a GitHub token into the sandbox (on by default):
        # enabled = false

        """
    }

    private static func example(_ key: ConfigKey) -> String {
        if let value = key.defaultValue { return value.tomlText }
        switch key.type {
        case .boolean: return "false"
        case .integer(let range): return String(range.lowerBound)
        case .string: return "\"\""
        case .choice(let choices): return "\"\(choices.first ?? "")\""
        case .strings: return "[]"
        case .table: return "{}"
        }
    }
}
