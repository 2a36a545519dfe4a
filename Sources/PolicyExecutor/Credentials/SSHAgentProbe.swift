import Backends
import Diagnostics
import Foundation
import HostProcess
import PolicyCompiler
import PolicyModel
import SessionPlanning

/// Checks the host's SSH agent before its socket is forwarded: the socket must exist and
/// accept a connection. Only the socket is ever mounted (at `/ssh-agent`); no key file is.
package enum SSHAgentProbe {
    /// `nil` when the agent at `path` answers, else why it cannot be forwarded.
    package static func problem(with path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return "the socket does not exist"
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            return "it is not a socket"
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return "cannot open a socket" }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            return "the socket path is too long"
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0
            ? nil : "no agent answers (\(String(cString: strerror(errno))))"
    }
}
