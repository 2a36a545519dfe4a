import Diagnostics

/// The command tree flattened for completion scripts: one node per command path, with its
/// subcommands, options and argument values. The three shell renderers turn the same model
/// into bash, zsh and fish, so completions can never drift from the parser's declaration.
package struct CompletionModel {
    /// Values computed when the user presses Tab.
    package enum Dynamic: Equatable {
        /// Session names (`mino list -a -f plain`).
        case sessions
        /// Layer names: the built-in ones and the project's `.mino/layers/*`.
        case layers
    }

    /// Values an option or argument accepts.
    package enum Values: Equatable {
        case none
        case fixed([String])
        case dynamic(Dynamic)
        /// Any file name.
        case files
    }

    package struct Option: Equatable {
        /// `--name`, plus `--no-name` for inversions.
        package var longSpellings: [String]
        package var shortName: String?
        package var help: String
        package var takesValue: Bool
        package var values: Values

        /// Creates a value from its parts.
        package init(longSpellings: [String], shortName: String? = nil, help: String, takesValue: Bool, values: Values)
        {
            self.longSpellings = longSpellings
            self.shortName = shortName
            self.help = help
            self.takesValue = takesValue
            self.values = values
        }
    }

    package struct Subcommand: Equatable {
        package var name: String
        package var help: String

        /// Creates a value from its parts.
        package init(name: String, help: String) {
            self.name = name
            self.help = help
        }
    }

    package struct Node: Equatable {
        /// The words after `mino`, joined by spaces (`""` for `mino` itself).
        package var path: String
        package var subcommands: [Subcommand]
        package var options: [Option]
        package var argumentValues: Values
        /// Whether `--` starts a command of the user's (`mino run -- …`).
        package var passthrough: Bool

        /// Creates a value from its parts.
        package init(
            path: String, subcommands: [Subcommand], options: [Option], argumentValues: Values, passthrough: Bool
        ) {
            self.path = path
            self.subcommands = subcommands
            self.options = options
            self.argumentValues = argumentValues
            self.passthrough = passthrough
        }
    }

    /// Every node, parents before children.
    package let nodes: [Node]
    /// `(parent path, word, child path)` for every subcommand name and alias.
    package let edges: [(parent: String, word: String, child: String)]

    /// The built-in layer names the scripts offer (besides the project's own).
    package let builtinLayers: [String]

    /// The model of `root`'s tree; `builtinLayers` are offered wherever a layer is asked for.
    package init(root: CommandSpec, builtinLayers: [String]) {
        self.builtinLayers = builtinLayers
        var nodes = [Node]()
        var edges = [(String, String, String)]()
        let globals = root.globalOptionGroups.flatMap(\.options).filter { !$0.isHidden }
        func visit(_ spec: CommandSpec, path: [String]) {
            let joined = path.joined(separator: " ")
            let children = spec.subcommands.filter { !$0.isHidden && Self.isUsable($0) }
            for child in children {
                for word in [child.name] + child.aliases {
                    edges.append((joined, word, (path + [child.name]).joined(separator: " ")))
                }
            }
            var options = spec.optionGroups.flatMap(\.options).filter { !$0.isHidden }
            options += globals.filter { global in !options.contains { $0.key == global.key } }
            let argumentValues: Values
            if let argument = spec.arguments.first {
                if let allowed = argument.allowedValues {
                    argumentValues = .fixed(allowed)
                } else if argument.key.rawValue == "session" {
                    argumentValues = .dynamic(.sessions)
                } else if argument.key.rawValue == "file" {
                    argumentValues = .files
                } else {
                    argumentValues = .none
                }
            } else {
                argumentValues = .none
            }
            nodes.append(
                Node(
                    path: joined,
                    subcommands: children.flatMap { child in
                        ([child.name] + child.aliases).map { Subcommand(name: $0, help: child.abstract) }
                    },
                    options: options.map(Self.option), argumentValues: argumentValues,
                    passthrough: spec.passthrough != nil))
            for child in children { visit(child, path: path + [child.name]) }
        }
        visit(root, path: [])
        self.nodes = nodes
        self.edges = edges
    }

    /// A command is offered when it runs, or when it groups commands that do.
    private static func isUsable(_ spec: CommandSpec) -> Bool {
        spec.isImplemented || spec.subcommands.contains(where: isUsable)
    }

    private static func option(_ spec: OptionSpec) -> Option {
        let values: Values
        if let allowed = spec.allowedValues {
            values = .fixed(allowed)
        } else if spec.longName == "layers" {
            values = .dynamic(.layers)
        } else if let name = spec.kind.valueName, ["dir", "file", "path"].contains(name) {
            values = .files
        } else {
            values = .none
        }
        return Option(
            longSpellings: spec.longSpellings, shortName: spec.shortName.map { "-" + String($0) },
            help: spec.help, takesValue: spec.kind.takesValue, values: values)
    }

    /// The built-in layer names and aliases offered for `--layers`.
}
