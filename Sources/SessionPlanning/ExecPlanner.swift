import Backends
import Diagnostics
import PolicyModel

/// `mino exec`'s plan: the `podman exec` argv into a running session, from what its session
/// record says (shell, whether the fence runs in the container, the agent's uid:gid). No
/// policy is compiled again and none is patched.
package enum ExecPlanner {
    /// What a running session's record says about it.
    package struct Session: Sendable {
        /// The container's id.
        package var containerID: String
        /// The agent's shell (the command when none is given).
        package var shell: String
        /// Whether the fence runs inside the container (the exec'd process drops the
        /// capabilities the wrapper needed).
        package var wrapper: Bool
        /// `uid:gid` the agent runs as, as recorded.
        package var user: String

        /// Creates the description.
        package init(containerID: String, shell: String, wrapper: Bool, user: String) {
            self.containerID = containerID
            self.shell = shell
            self.wrapper = wrapper
            self.user = user
        }
    }

    /// The `podman exec` invocation; the recorded `uid:gid` replaces the probed identity.
    ///
    /// - Throws: `DiagnosticError` for a container id or command the backend refuses.
    package static func invocation(
        _ session: Session, facts: HostFacts, command: [String]?, terminal: TerminalMode
    ) throws(DiagnosticError) -> PodmanInvocation {
        var facts = facts
        let ids = session.user.split(separator: ":").compactMap { UInt32($0) }
        if ids.count == 2 { (facts.userID, facts.groupID) = (ids[0], ids[1]) }
        return try PodmanBackend.exec(
            shell: Sourced(session.shell, .builtin), wrapper: session.wrapper ? .builtin : nil, facts: facts,
            containerID: session.containerID, command: command, terminal: terminal)
    }
}
