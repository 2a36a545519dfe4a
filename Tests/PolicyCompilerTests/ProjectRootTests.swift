import Diagnostics
import Testing

@testable import PolicyCompiler

@Suite struct ProjectRootTests {
    static let protected = ProtectedDirectories(
        home: "/home/alice", userID: 1000, configDirectory: "/home/alice/.config/mino",
        stateDirectory: "/home/alice/.local/state/mino", runtimeDirectory: "/run/user/1000/mino",
        userRuntimeDirectory: "/run/user/1000")

    static func problem(_ path: String) -> String? { ProjectRoot.problem(path, protected: protected) }

    @Test func anOrdinaryProjectUnderHomeIsAccepted() {
        #expect(Self.problem("/home/alice/src/app") == nil)
        #expect(Self.problem("/home/alice/.config/app") == nil)
        #expect(Self.problem("/srv/projects/app") == nil)
        #expect(Self.problem("/var/tmp/app") == nil)
        #expect(Self.problem("/tmp/work/app") == nil)
    }

    @Test func theRootAndTheHomeDirectoryAreRefused() {
        #expect(Self.problem("/") == "is the root directory")
        #expect(Self.problem("/home/alice") == "is your home directory")
        #expect(Self.problem("/home/alice/") == "is your home directory")
        #expect(Self.problem("/home")?.contains("holds credentials") == true)
    }

    @Test func sensitiveDirectoriesAndTheirInsidesAreRefused() {
        #expect(Self.problem("/home/alice/.ssh")?.contains("`/home/alice/.ssh`") == true)
        #expect(Self.problem("/home/alice/.aws/sub") != nil)
        #expect(Self.problem("/home/alice/.config/gh") != nil)
        #expect(Self.problem("/home/alice/.sshx") == nil)
    }

    @Test func minosConfigAndStateDirectoriesAreRefusedWithAncestorsAndDescendants() {
        #expect(Self.problem("/home/alice/.config/mino")?.contains("configuration directory") == true)
        #expect(Self.problem("/home/alice/.config/mino/layers/x") != nil)
        #expect(Self.problem("/home/alice/.config") != nil)
        let xdg = ProtectedDirectories(
            home: "/home/alice", userID: 1000, configDirectory: "/data/config/mino", stateDirectory: "/data/state/mino",
            runtimeDirectory: "/run/user/1000/mino")
        #expect(ProjectRoot.problem("/data/config", protected: xdg)?.contains("contains mino's configuration") == true)
        #expect(ProjectRoot.problem("/data", protected: xdg) != nil)
        #expect(ProjectRoot.problem("/data/app", protected: xdg) == nil)
        #expect(Self.problem("/home/alice/.local/state/mino/sessions")?.contains("state directory") == true)
        #expect(Self.problem("/home/alice/.local") != nil)
    }

    @Test func podmansStorageAndRuntimeDirectoriesAreRefused() {
        #expect(Self.problem("/home/alice/.local/share/containers/storage")?.contains("podman") == true)
        #expect(Self.problem("/var/lib/containers")?.contains("podman") == true)
        #expect(Self.problem("/run/containers/0") != nil)
        #expect(Self.problem("/run/user/1000/containers") != nil)
    }

    @Test func theUsersRuntimeDirectoryAndMinosOwnAreRefused() {
        #expect(Self.problem("/run/user/1000") != nil)
        #expect(Self.problem("/run/user/1000/app") != nil)
        #expect(Self.problem("/run/user/1000/mino")?.contains("runtime directory") == true)
        let tmp = ProtectedDirectories(
            home: "/home/alice", userID: 1000, configDirectory: "/c/mino", stateDirectory: "/s/mino",
            runtimeDirectory: "/tmp/mino-1000")
        #expect(ProjectRoot.problem("/tmp/mino-1000/abc", protected: tmp)?.contains("runtime directory") == true)
    }

    @Test func systemDirectoriesAreRefused() {
        for path in [
            "/etc", "/etc/nginx", "/usr", "/usr/local/src/app", "/bin", "/sbin", "/lib64", "/boot", "/dev",
            "/proc/self", "/sys", "/var", "/run", "/root", "/tmp", "/var/lib/app",
        ] {
            #expect(Self.problem(path) != nil, "\(path)")
        }
    }

    @Test func projectsInAHomeUnderASystemTreeAreAccepted() {
        let jenkins = ProtectedDirectories(
            home: "/var/lib/jenkins", userID: 115, configDirectory: "/var/lib/jenkins/.config/mino",
            stateDirectory: "/var/lib/jenkins/.local/state/mino", runtimeDirectory: "/tmp/mino-115")
        #expect(ProjectRoot.problem("/var/lib/jenkins/workspace/app", protected: jenkins) == nil)
        #expect(ProjectRoot.problem("/var/lib/jenkins", protected: jenkins) == "is your home directory")
        #expect(ProjectRoot.problem("/var/lib/jenkins/.ssh", protected: jenkins) != nil)
        #expect(ProjectRoot.problem("/var/lib/other", protected: jenkins) != nil)
    }

    @Test func theRefusalNamesThePathAndWhy() throws {
        let origin = Origin.environment(variable: "PWD")
        let diagnostic = try #require(ProjectRoot.check("/home/alice/.ssh", protected: Self.protected, at: origin))
        #expect(diagnostic.code == "policy.dangerous-project-root")
        #expect(diagnostic.message.contains("`/home/alice/.ssh`"))
        #expect(diagnostic.origin == origin)
        #expect(diagnostic.help != nil)
    }
}
