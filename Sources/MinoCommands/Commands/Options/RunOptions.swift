import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
/// The options shared by `mino run` and `mino plan`: `plan` compiles exactly what `run` would
/// run, so both must accept the same flags.
import TOML

enum RunOptions {
    static let session = OptionGroup(
        title: "SESSION OPTIONS",
        options: [
            OptionSpec(
                .name, short: "n", kind: .option(valueName: "name"),
                help: "Session name: letters, digits, '-' and '_'", defaultDescription: "session-<8 hex digits>"),
            OptionSpec(
                .project, short: "p", kind: .option(valueName: "path"), help: "Project directory to mount",
                defaultDescription: "the current directory"),
            OptionSpec(.detach, short: "d", help: "Start the session in the background"),
            OptionSpec(
                .strict, help: "Refuse to run when this host cannot enforce part of the posture (see plan)"),
            OptionSpec(
                .runtime, kind: .option(valueName: "mode"), help: "Where the agent runs: container or native",
                defaultDescription: "general.runtime from the config"),
            OptionSpec(.allowRoot, help: "Allow running mino as root, which is refused by default"),
        ])

    static let credentials = OptionGroup(
        title: "CREDENTIAL OPTIONS",
        options: [
            OptionSpec(.aws, help: "Inject short-lived AWS credentials"),
            OptionSpec(.gcp, help: "Inject a Google Cloud access token"),
            OptionSpec(.azure, help: "Inject an Azure access token"),
            OptionSpec(.allClouds, help: "Inject AWS, Google Cloud and Azure credentials"),
            OptionSpec(
                .github, kind: .inversion, help: "Inject the GitHub token of the gh CLI", defaultDescription: "on"),
            OptionSpec(
                .sshAgent, kind: .inversion, help: "Forward the host's SSH agent", defaultDescription: "on"),
            OptionSpec(.strictCredentials, help: "Fail if a requested credential cannot be obtained"),
        ])

    static let container = OptionGroup(
        title: "CONTAINER OPTIONS",
        options: [
            OptionSpec(
                .image, kind: .option(valueName: "image"), help: "Container image or built-in image alias",
                defaultDescription: "container.image from the config"),
            OptionSpec(.layers, kind: .list(valueName: "layer"), help: "Compose the image from these layers"),
            OptionSpec(
                .env, short: "e", kind: .repeating(valueName: "key=value"),
                help: "Set an environment variable in the sandbox", format: .keyValue, isSensitive: true),
            OptionSpec(
                .volume, kind: .repeating(valueName: "host:container[:options]"),
                help: "Mount a host path into the sandbox"),
            OptionSpec(.readOnly, help: "Make the container's root file system read-only"),
            OptionSpec(.noCache, help: "Mount no dependency cache volumes"),
            OptionSpec(.cacheFresh, help: "Start with empty dependency caches"),
            OptionSpec(.noHome, help: "Keep no persistent home volume for the project"),
        ])

    static let network = OptionGroup(
        title: "NETWORK OPTIONS",
        options: [
            OptionSpec(
                .network, kind: .option(valueName: "mode"), help: "Network mode",
                defaultDescription: "container.network from the config, else bridge",
                allowedValues: ["bridge", "host", "none"]),
            OptionSpec(
                .networkAllow, kind: .list(valueName: "host:port"),
                help: "Allow outbound connections to these hosts only"),
            OptionSpec(
                .networkPreset, kind: .option(valueName: "preset"), help: "Allow a built-in set of hosts",
                allowedValues: ["dev", "registries"]),
        ])

    /// Every group, in help order.
    static let groups = [session, credentials, container, network]

    /// The conflicts between run options.
    static let constraints: [OptionConstraint] = [
        .conflicts(.allClouds, with: [.aws, .gcp, .azure]),
        .conflicts(.layers, with: [.image]),
        .conflicts(.cacheFresh, with: [.noCache]),
        .conflicts(.networkPreset, with: [.networkAllow]),
    ]
}
