import Backends
import Diagnostics
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Messages about finding and reading configuration files.
extension Diagnostic {
    package static func configFileNotFound(_ path: String, at origin: Origin?, isGlobalConfig: Bool) -> Diagnostic {
        .error(
            "config.file-not-found", "config file `\(path)` does not exist", at: origin,
            help: isGlobalConfig ? "check the path, or create it with `mino config init`" : "check the path")
    }

    package static func configFileUnreadable(_ path: String, reason: String) -> Diagnostic {
        .error("config.file-unreadable", "cannot read `\(path)`: \(reason)", help: "check the file's permissions")
    }

    package static func configNotAFile(_ path: String, at origin: Origin?) -> Diagnostic {
        .error("config.not-a-file", "`\(path)` is a directory, not a config file", at: origin)
    }

    package static func policyNoFiles(global: String) -> Diagnostic {
        .error(
            "policy.no-files",
            "no policy files to check: no global config at `\(global)` and no .mino.toml in this project",
            help: "name the files to check: `mino policy check FILE...`")
    }
}
