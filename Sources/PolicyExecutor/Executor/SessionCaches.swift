import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning
import TOML

/// Helpers shared by `mino run` and the supervisor around caches and credentials.
package enum SessionCaches {
    /// Marks caches complete after a session that used them exited 0.
    package static func finalise(_ names: [String], executor: Executor) {
        guard !names.isEmpty else { return }
        let records = CacheRecordStore(state: executor.state)
        let now = Date()
        for name in names {
            guard var record = records.load(name) else { continue }
            record.state = .complete
            record.updatedAt = now
            try? records.save(record)
        }
    }

    /// How long one provider CLI may take: 60 s, or `MINO_CREDENTIAL_TIMEOUT_SECONDS` (1 to
    /// 600) for CLIs that are slower (a login prompt in a browser) or for tests.
    package static func credentialTimeout(_ environment: [String: String]) -> Duration {
        guard let text = environment["MINO_CREDENTIAL_TIMEOUT_SECONDS"], let seconds = Int(text),
            (1...600).contains(seconds)
        else { return .seconds(60) }
        return .seconds(seconds)
    }
}

extension Diagnostic {
    package static func projectLayerNotApproved(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .error(
            "layer.not-approved",
            "the project layer `\(name)` (\(directory)) is repository code that runs as root in an image build, and it is not approved",
            at: origin,
            help: "review it, then run mino in a terminal to approve it, or pass --trust-local for this run")
    }

    package static func projectLayerTrusted(_ name: String, directory: String, at origin: Origin) -> Diagnostic {
        .warning(
            "trust.trust-local-layer",
            "building the unapproved project layer `\(name)` (\(directory)) because of --trust-local", at: origin,
            help: "its install.sh runs as root in the image build; approve it to stop this warning")
    }

    package static func imageBuildFailed(_ layers: String, output: String) -> Diagnostic {
        let tail = output.split(separator: "\n").suffix(15).joined(separator: "\n")
        return .error(
            "image.build-failed", "building the image for layers \(layers) failed:\n" + tail,
            help: "fix the layer's install.sh (run `mino policy check` on its layer.toml), then run again")
    }

    package static func buildContextUnwritable(_ reason: String) -> Diagnostic {
        .error(
            "image.build-context", "cannot write the image build context: \(reason)",
            help: "check that the temporary directory (TMPDIR) is writable")
    }
}

extension Diagnostic {
    package static func cacheInUse(_ volume: String, _ users: [VolumeUser]) -> Diagnostic {
        let names = users.map { $0.name.isEmpty ? $0.id : $0.name }.joined(separator: ", ")
        return .error(
            "cache.in-use", "cache volume `\(volume)` is in use by \(names)",
            help: "stop those sessions (`mino list`, `mino stop NAME`) and try again")
    }
}
