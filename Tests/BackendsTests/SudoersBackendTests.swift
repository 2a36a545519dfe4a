import Backends
import Diagnostics
import Foundation
import PolicyModel
import Testing

@Suite struct SudoersBackendTests {
    func fragment(user: String, helper: String = "/usr/local/bin/mino-sandbox-helper") throws -> SudoersFragment {
        var facts = PolicyFixture.facts
        facts.platform = .macOS
        facts.userName = user
        facts.helperPath = helper
        return try SudoersBackend.fragment(facts: facts)
    }

    @Test func grantsExactlyTheHelperWithoutAPassword() throws {
        let fragment = try fragment(user: "agent")
        #expect(fragment.fileName == "mino_agent")
        #expect(fragment.path == "/etc/sudoers.d/mino_agent")
        #expect(
            fragment.content == """
                # mino: lets agent run the native sandbox helper as root without a password, and nothing else
                agent ALL=(root) NOPASSWD: /usr/local/bin/mino-sandbox-helper

                """)
        #expect(fragment.rendered == fragment.content)
    }

    @Test func aDottedUserNameGetsAFileNameSudoReads() throws {
        let fragment = try fragment(user: "john.doe")
        #expect(fragment.fileName == "mino_john_doe")
        #expect(fragment.path == "/etc/sudoers.d/mino_john_doe")
        #expect(fragment.lines[1].text == "john.doe ALL=(root) NOPASSWD: /usr/local/bin/mino-sandbox-helper")
    }

    @Test(arguments: [
        "john doe", "jo'hn", "jo\"hn", "john\n", "john\nALL ALL=(ALL) NOPASSWD: ALL", "ALL", "ADMINS", "Defaults",
        "User_Alias", "#1000", "%admin", "+netgroup", "-john", "1000", "", "jo,hn", "jo:hn", "jo=hn", "jo\\hn", "..",
    ])
    func userNamesSudoersWouldMisreadAreRefused(user: String) {
        do {
            _ = try fragment(user: user)
            Issue.record("accepted \(user)")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.map(\.code) == ["backend.invalid-user-name"])
            #expect(error.diagnostics.allSatisfy { !$0.message.contains("\n") })
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: ["john_doe", "a-b.c", "Alice", "_mino", "x1"])
    func ordinaryUserNamesAreAccepted(user: String) throws {
        let fragment = try fragment(user: user)
        #expect(!fragment.fileName.contains("."))
        #expect(fragment.lines[1].text.hasPrefix(user + " ALL=(root) NOPASSWD: "))
    }

    @Test func anotherHelperLocationIsNamedExactly() throws {
        let fragment = try fragment(user: "agent", helper: "/opt/mino/bin/mino-sandbox-helper")
        #expect(fragment.lines[1].text == "agent ALL=(root) NOPASSWD: /opt/mino/bin/mino-sandbox-helper")
    }

    @Test(arguments: [
        "/usr/local/bin/mino helper", "relative/helper", "/usr/bin/helper, /bin/sh", "/a/../b", "/", "/x:y",
    ])
    func helperPathsSudoersWouldMisreadAreRefused(helper: String) {
        do {
            _ = try fragment(user: "agent", helper: helper)
            Issue.record("accepted \(helper)")
        } catch let error as DiagnosticError {
            #expect(error.diagnostics.map(\.code) == ["backend.invalid-helper-path"])
        } catch {
            Issue.record("\(error)")
        }
    }

    /// `visudo -c` accepts every fragment, dotted names included. Opt in with
    /// `MINO_INTEGRATION=1` (needs sudo's visudo).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MINO_INTEGRATION"] == "1"))
    func visudoAcceptsTheFragment() throws {
        let runner = try ShellRunner()
        defer { runner.cleanUp() }
        for user in ["agent", "john.doe", "a-b_c.d"] {
            let fragment = try fragment(user: user)
            let file = runner.directory.appendingPathComponent(fragment.fileName)
            try fragment.content.write(to: file, atomically: true, encoding: .utf8)
            let result = try runner.run("/usr/sbin/visudo", ["-c", "-f", file.path])
            #expect(result.status == 0, "\(user): \(result.stderr)")
        }
    }
}
