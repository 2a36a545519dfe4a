import Foundation
import Testing

extension Integration {
    /// `mino config set` as an ordinary user (root ignores file permissions, so only the test
    /// user can meet a read-only directory): a clear error, the file untouched, no temporary
    /// file left beside it; the same edit in a writable directory succeeds.
    @Suite struct ConfigFiles {
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func aReadOnlyConfigDirectoryIsAClearErrorAndLeavesNothingBehind() throws {
            let harness = try Harness(.rootless)
            let (uid, gid) = harness.identity.ids
            for writable in [true, false] {
                let directory = harness.base + (writable ? "/writable" : "/read-only")
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let file = directory + "/config.toml"
                let original = "# mine\nversion = 1\n"
                try original.write(toFile: file, atomically: true, encoding: .utf8)
                chown(directory, uid, gid)
                chown(file, uid, gid)
                chmod(file, 0o644)
                chmod(directory, writable ? 0o755 : 0o555)
                defer { chmod(directory, 0o755) }
                let result = harness.mino(["-c", file, "config", "set", "container.network", "none"])
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
                #expect(entries == ["config.toml"], "nothing left beside the file: \(entries)")
                if writable {
                    #expect(result.succeeded, "\(result)")
                    #expect(text.hasPrefix("# mine\nversion = 1\n") && text.contains("network = \"none\""), "\(text)")
                } else {
                    #expect(result.status == 1, "\(result)")
                    #expect(result.stderr.contains("cannot write") && result.stderr.contains(directory), "\(result)")
                    #expect(text == original, "the file is untouched")
                }
            }
        }
    }
}
