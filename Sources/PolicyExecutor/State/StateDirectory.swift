import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// mino's state directory: `$XDG_STATE_HOME/mino` or `~/.local/state/mino` on Linux,
/// `~/Library/Application Support/mino` on macOS. Created with mode 0700 when first needed.
package struct StateDirectory {
    /// The absolute path.
    package let path: String

    package init(environment: [String: String]) {
        let home = ConfigLocations.home(environment: environment)
        #if os(macOS)
            path = home + "/Library/Application Support/mino"
        #else
            if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
                path = ConfigLocations.normalised(xdg) + "/mino"
            } else {
                path = (home == "/" ? "" : home) + "/.local/state/mino"
            }
        #endif
    }

    /// A file or directory inside the state directory.
    package func file(_ name: String) -> String { path + "/" + name }

    /// Creates the directory (and parents) if needed and makes it private to the user.
    package func ensure() throws(StateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateError(path: path, reason: "cannot create the state directory")
        }
        chmod(path, 0o700)
    }
}
