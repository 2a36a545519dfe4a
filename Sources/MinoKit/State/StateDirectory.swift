import Diagnostics
import Foundation

/// mino's state directory: `$XDG_STATE_HOME/mino` or `~/.local/state/mino` on Linux,
/// `~/Library/Application Support/mino` on macOS. Created with mode 0700 when first needed.
struct StateDirectory {
    /// The absolute path.
    let path: String

    init(environment: [String: String]) {
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
    func file(_ name: String) -> String { path + "/" + name }

    /// Creates the directory (and parents) if needed and makes it private to the user.
    func ensure() throws(StateError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateError(path: path, reason: "cannot create the state directory")
        }
        chmod(path, 0o700)
    }
}

/// A failure to read or write mino's own state, with the path involved.
struct StateError: Error {
    let path: String
    let reason: String
}
