import Backends
import Diagnostics
import HostProcess
import MinoCLI
import PolicyCompiler
import PolicyExecutor
import PolicyModel
import SessionPlanning
// The option and argument keys of the `mino` command tree. Handlers read parsed values through
// these (`parsed.flag(.detach)`); each key's raw value is the option's long name.
import TOML

extension OptionKey {
    // Global options.
    static let verbose = OptionKey("verbose")
    static let quiet = OptionKey("quiet")
    static let config = OptionKey("config")
    static let noLocal = OptionKey("no-local")
    static let trustLocal = OptionKey("trust-local")
    static let color = OptionKey("color")
    static let diagnosticsFormat = OptionKey("diagnostics-format")

    // `run` and `plan`: session.
    static let name = OptionKey("name")
    static let project = OptionKey("project")
    static let detach = OptionKey("detach")
    static let runtime = OptionKey("runtime")
    static let allowRoot = OptionKey("allow-root")

    // `run` and `plan`: credentials.
    static let aws = OptionKey("aws")
    static let gcp = OptionKey("gcp")
    static let azure = OptionKey("azure")
    static let allClouds = OptionKey("all-clouds")
    static let github = OptionKey("github")
    static let sshAgent = OptionKey("ssh-agent")
    static let strictCredentials = OptionKey("strict-credentials")
    static let strict = OptionKey("strict")

    // `run` and `plan`: container.
    static let image = OptionKey("image")
    static let layers = OptionKey("layers")
    static let env = OptionKey("env")
    static let volume = OptionKey("volume")
    static let readOnly = OptionKey("read-only")
    static let noCache = OptionKey("no-cache")
    static let cacheFresh = OptionKey("cache-fresh")
    static let noHome = OptionKey("no-home")

    // `run` and `plan`: network.
    static let network = OptionKey("network")
    static let networkAllow = OptionKey("network-allow")
    static let networkPreset = OptionKey("network-preset")

    // `plan`.
    static let resolve = OptionKey("resolve")
    static let explain = OptionKey("explain")

    // Shared by several commands.
    static let format = OptionKey("format")
    static let force = OptionKey("force")
    static let all = OptionKey("all")
    static let yes = OptionKey("yes")
    static let path = OptionKey("path")
    static let local = OptionKey("local")

    // `logs`.
    static let follow = OptionKey("follow")
    static let lines = OptionKey("lines")
    static let decisions = OptionKey("decisions")

    // `setup`.
    static let check = OptionKey("check")
    static let upgrade = OptionKey("upgrade")
    static let native = OptionKey("native")
    static let uninstall = OptionKey("uninstall")

    // `fence-hook`.
    static let ruleset = OptionKey("ruleset")
    static let socket = OptionKey("socket")
    static let nft = OptionKey("nft")

    // `cache`.
    static let days = OptionKey("days")
    static let dryRun = OptionKey("dry-run")
    static let volumes = OptionKey("volumes")
    static let images = OptionKey("images")
    static let home = OptionKey("home")
}

extension ArgumentKey {
    static let session = ArgumentKey("session")
    static let shell = ArgumentKey("shell")
    static let key = ArgumentKey("key")
    static let value = ArgumentKey("value")
    static let files = ArgumentKey("file")
    static let subcommands = ArgumentKey("subcommand")
}
