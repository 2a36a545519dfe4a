import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Writes config and policy files: atomically (readers see the old file or the new one), with
/// missing parent directories created, an existing file's mode kept, and a failure reported
/// with the path and the reason, leaving no temporary file behind.
package enum ConfigFileWriter {
    /// Writes `text` to `path`; a new file gets `newFileMode`.
    package static func write(_ text: String, to path: String, displayPath: String, newFileMode: mode_t)
        throws(ExecutorFailure)
    {
        let directory = ConfigLocations.parent(of: path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExecutorFailure(
                .failed,
                diagnostics: [.configUnwritable(displayPath, reason: "cannot create its directory `\(directory)`")])
        }
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : newFileMode
        do {
            try AtomicFile.write(Data(text.utf8), to: path, mode: mode)
        } catch {
            throw ExecutorFailure(.failed, diagnostics: [.configUnwritable(displayPath, reason: error.reason)])
        }
    }
}

extension Diagnostic {
    package static func configUnwritable(_ path: String, reason: String) -> Diagnostic {
        .error(
            "config.unwritable", "cannot write `\(path)`: \(reason)",
            help: "check that the directory exists and is writable, or pick another file with --config")
    }

    package static func configExists(_ path: String) -> Diagnostic {
        .error("config.exists", "`\(path)` already exists", help: "pass -f/--force to overwrite it")
    }
}
