import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Reads config and policy files into `SourceFile`s, telling "missing" apart from "unreadable".
package enum ConfigFileReader {
    package enum Outcome {
        case file(SourceFile)
        case missing
        case failed(Diagnostic)
    }

    /// Reads `path`; diagnostics show it as `displayPath`.
    package static func read(
        _ path: String, displayPath: String, origin: Origin? = nil, files: any HostFiles = DiskFiles()
    ) -> Outcome {
        switch files.read(path) {
        case .missing: return .missing
        case .directory: return .failed(.configNotAFile(displayPath, at: origin))
        case .failed(let reason): return .failed(.configFileUnreadable(displayPath, reason: reason))
        case .bytes(let bytes): return .file(SourceFile(path: displayPath, bytes: bytes))
        }
    }

    /// Reads and decodes the global config: a missing default file is an empty layer, a missing
    /// file named with `--config`/`MINO_CONFIG` is an error (exit 66), an invalid one exit 65.
    package static func loadGlobal(_ locations: ConfigLocations, files: any HostFiles = DiskFiles())
        throws(ExecutorFailure) -> (ConfigLayer, [Diagnostic])
    {
        let display = locations.display(locations.globalConfigPath)
        switch read(
            locations.globalConfigPath, displayPath: display, origin: locations.globalConfigOrigin, files: files)
        {
        case .missing:
            if locations.globalConfigOrigin != nil {
                throw ExecutorFailure(
                    .missingInput,
                    diagnostics: [.configFileNotFound(display, at: locations.globalConfigOrigin, isGlobalConfig: true)])
            }
            return (ConfigLayer(kind: .global), [])
        case .failed(let diagnostic):
            throw ExecutorFailure(.failed, diagnostics: [diagnostic])
        case .file(let source):
            let (layer, diagnostics) = ConfigDecoder.decode(source, as: .global)
            guard let layer, !diagnostics.contains(where: { $0.severity == .error }) else {
                throw ExecutorFailure(.invalidInput, diagnostics: diagnostics)
            }
            return (layer, diagnostics)
        }
    }
}

extension ConfigFileReader {
    /// Whether something exists at `path` (a file, or a directory that will be reported).
    package static func isPresent(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
