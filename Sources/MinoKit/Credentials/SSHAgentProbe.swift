import Foundation
import PolicyModel

/// Checks the host's SSH agent before its socket is forwarded: the socket must exist and
/// accept a connection. Only the socket is ever mounted (at `/ssh-agent`); no key file is.
enum SSHAgentProbe {
    /// `nil` when the agent at `path` answers, else a warning saying why it is not forwarded.
    static func problem(with path: String) -> Diagnostic? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return .sshAgentUnavailable(path, reason: "the socket does not exist")
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            return .sshAgentUnavailable(path, reason: "it is not a socket")
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return .sshAgentUnavailable(path, reason: "cannot open a socket") }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            return .sshAgentUnavailable(path, reason: "the socket path is too long")
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
            ? nil : .sshAgentUnavailable(path, reason: "no agent answers (\(String(cString: strerror(errno))))")
    }
}

extension Diagnostic {
    static func sshAgentUnavailable(_ path: String, reason: String) -> Diagnostic {
        .warning(
            "credentials.ssh-agent-unavailable", "the SSH agent at `\(path)` is not forwarded: \(reason)",
            help: "start an agent (`eval $(ssh-agent)`), or pass --no-ssh-agent")
    }
}
