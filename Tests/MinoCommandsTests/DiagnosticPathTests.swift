import Foundation
import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

/// Diagnostics that only arise from the environment (unreadable files, unwritable state).
@Suite struct DiagnosticPathTests {
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory()
    }

    @Test func aConfigThatCannotBeReadIsReportedNotTreatedAsEmpty() {
        // /proc/self/mem exists and is a file but cannot be read with read(2), even by root.
        let run = MinoRun(
            ["config", "show", "-c", "/proc/self/mem"], environment: ["HOME": home.path], registry: .standard)
        #expect(run.status == 1)
        #expect(run.code == "config.file-unreadable")
    }

    @Test func aDirectoryIsNotAConfigFile() {
        let run = MinoRun(["config", "show", "-c", home.path], environment: ["HOME": home.path], registry: .standard)
        #expect(run.status == 1)
        #expect(run.code == "config.not-a-file")
        let check = MinoRun(["policy", "check", home.path], environment: ["HOME": home.path], registry: .standard)
        #expect(check.status == 65)
        #expect(check.stderr.contains("error[config.not-a-file]"))
    }

    @Test func aMissingProjectDirectoryExits66() {
        let run = MinoRun(["plan", "-p", "no/such/dir"], environment: ["HOME": home.path], registry: .standard)
        #expect(run.status == 66)
        #expect(run.code == "policy.project-not-found")
    }

    @Test func dangerousProjectRootsAreRefusedThroughSymlinksByPlanAndRun() throws {
        let ssh = try home.directory(".ssh")
        try FileManager.default.createSymbolicLink(atPath: home.path + "/link", withDestinationPath: ssh)
        for command in ["plan", "run"] {
            for project in ["~", "~/link", "/"] {
                let run = MinoRun([command, "-p", project], environment: ["HOME": home.path], registry: .standard)
                #expect(run.status == 64, "\(command) -p \(project)")
                #expect(run.code == "policy.dangerous-project-root")
            }
        }
        let fromHome = MinoRun(
            ["plan"], environment: ["HOME": home.path], registry: .standard, currentDirectory: home.path)
        #expect(fromHome.status == 64)
        #expect(fromHome.stderr.contains("your home directory"))
        let check = MinoRun(
            ["policy", "check"], environment: ["HOME": home.path], registry: .standard, currentDirectory: home.path)
        #expect(check.status == 64)
        #expect(check.code == "policy.dangerous-project-root")
        let project = try home.directory("app")
        let control = MinoRun(["plan", "-p", project], environment: ["HOME": home.path], registry: .standard)
        #expect(control.stderr.contains("dangerous-project-root") == false)
        try home.write("app/.mino.toml", "[container]\nread_only = true\n")
        let checkControl = MinoRun(
            ["policy", "check"], environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(checkControl.status == 0)
    }

    @Test func aRelativeWorkdirIsRefused() throws {
        try home.write(".config/mino/config.toml", "[container]\nworkdir = \"relative\"\n")
        let project = try home.directory("app")
        let run = MinoRun(["plan"], environment: ["HOME": home.path], registry: .standard, currentDirectory: project)
        #expect(run.status == 65)
        #expect(run.stderr.contains("error[policy.invalid-workdir]"))
    }

    @Test func anApprovalThatCannotBeStoredFailsWithoutApplyingAnything() throws {
        let project = try home.directory("app")
        try home.write("app/.mino.toml", "[container]\nimage = \"other\"\n")
        let notADirectory = try home.write("state-is-a-file", "")
        let run = MinoRun(
            ["run", "--network", "none", "--", "true"],
            environment: ["HOME": home.path, "XDG_STATE_HOME": notADirectory],
            registry: .standard, currentDirectory: project, interactiveInput: ["y"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error[trust.store-unwritable]"))
        #expect(run.stdout.isEmpty)
    }
}
