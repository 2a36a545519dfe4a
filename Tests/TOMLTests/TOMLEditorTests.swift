import Diagnostics
import PolicyModel
import TOML
import Testing

@Suite struct TOMLEditorTests {
    func edited(_ text: String, _ body: (inout TOMLEditor) throws -> Void) throws -> String {
        var editor = try TOMLEditor(text: text, path: "config.toml")
        try body(&editor)
        return editor.text
    }

    @Test func replacingAValueKeepsCommentsAndEveryOtherByte() throws {
        let text = """
            # mino config
            [container]
            network = "bridge"   # the default
            image = 'x'  # keep

            """
        let result = try edited(text) { try $0.set(["container", "network"], to: .string("none")) }
        #expect(result == text.replacingOccurrences(of: "\"bridge\"", with: "\"none\""))
    }

    @Test func newKeyGoesAfterTheLastKeyOfItsSection() throws {
        let text = "[container]\nimage = \"x\"\n\n# next\n[session]\nshell = \"/bin/sh\"\n"
        let result = try edited(text) { try $0.set(["container", "workdir"], to: .string("/w")) }
        #expect(result == "[container]\nimage = \"x\"\nworkdir = \"/w\"\n\n# next\n[session]\nshell = \"/bin/sh\"\n")
    }

    @Test func newKeyInAnEmptySectionGoesRightAfterItsHeader() throws {
        let result = try edited("[container]\n\n[session]\n") {
            try $0.set(["container", "read_only"], to: .boolean(true))
        }
        #expect(result == "[container]\nread_only = true\n\n[session]\n")
    }

    @Test func missingTableBecomesANewSectionAtTheEnd() throws {
        let result = try edited("# top\n[container]\nimage = \"x\"\n") {
            try $0.set(["credentials", "aws", "enabled"], to: .boolean(true))
        }
        #expect(result == "# top\n[container]\nimage = \"x\"\n\n[credentials.aws]\nenabled = true\n")
    }

    @Test func fileWithoutFinalNewlineGetsOneBeforeTheInsertion() throws {
        #expect(try edited("a = 1") { try $0.set(["b"], to: .integer(2)) } == "a = 1\nb = 2\n")
        #expect(try edited("[t]\na = 1") { try $0.set(["t", "b"], to: .integer(2)) } == "[t]\na = 1\nb = 2\n")
        #expect(try edited("") { try $0.set(["t", "b"], to: .integer(2)) } == "[t]\nb = 2\n")
        #expect(try edited("x = 1") { try $0.set(["t", "b"], to: .integer(2)) } == "x = 1\n\n[t]\nb = 2\n")
    }

    @Test func dottedSiblingsStayTogether() throws {
        let text = "container.image = \"x\"  # pinned\nother = 1\n"
        let result = try edited(text) { try $0.set(["container", "network"], to: .string("none")) }
        #expect(result == "container.image = \"x\"  # pinned\ncontainer.network = \"none\"\nother = 1\n")
    }

    @Test func indentationOfTheSectionIsCopied() throws {
        let result = try edited("[container]\n    image = \"x\"\n") {
            try $0.set(["container", "network"], to: .string("none"))
        }
        #expect(result == "[container]\n    image = \"x\"\n    network = \"none\"\n")
    }

    @Test func inlineTablesGrowInsideTheirBraces() throws {
        #expect(
            try edited("container = { image = \"x\" }\n") { try $0.set(["container", "network"], to: .string("none")) }
                == "container = { image = \"x\", network = \"none\" }\n")
        #expect(
            try edited("container = {}\n") { try $0.set(["container", "network"], to: .string("none")) }
                == "container = { network = \"none\" }\n")
    }

    @Test func rootKeyWithoutRootKeysGoesAboveTheFirstSectionAndItsComments() throws {
        let result = try edited("# about the container\n[container]\nimage = \"x\"\n") {
            try $0.set(["version"], to: .integer(1))
        }
        #expect(result == "version = 1\n# about the container\n[container]\nimage = \"x\"\n")
    }

    @Test func crlfFilesGetCRLFLines() throws {
        let result = try edited("[container]\r\nimage = \"x\"\r\n") {
            try $0.set(["container", "network"], to: .string("none"))
        }
        #expect(result == "[container]\r\nimage = \"x\"\r\nnetwork = \"none\"\r\n")
    }

    @Test func keysAndValuesAreQuotedWhenNeeded() throws {
        let result = try edited("[container.env]\n") {
            try $0.set(["container", "env", "MY VAR"], to: .string("a \"quoted\"\nvalue"))
        }
        #expect(result == "[container.env]\n\"MY VAR\" = \"a \\\"quoted\\\"\\nvalue\"\n")
        let document = try TOMLParser.parse(result)
        #expect(
            document.root["container"]?.tableValue?["env"]?.tableValue?["MY VAR"]?.stringValue == "a \"quoted\"\nvalue")
    }

    @Test func arraysAreWrittenInline() throws {
        let result = try edited("[container]\nnetwork_allow = [\n  \"a:1\", # first\n]\n") {
            try $0.set(
                ["container", "network_allow"],
                to: .array([
                    TOMLValue(.string("github.com:443"), span: .point(0)), TOMLValue(.string("x:22"), span: .point(0)),
                ]))
        }
        #expect(result == "[container]\nnetwork_allow = [\"github.com:443\", \"x:22\"]\n")
    }

    @Test func settingTheSameValueTwiceIsStable() throws {
        let once = try edited("[a]\n") { try $0.set(["a", "b"], to: .integer(1)) }
        let twice = try edited(once) { try $0.set(["a", "b"], to: .integer(1)) }
        #expect(once == twice)
    }

    @Test func removingAKeyRemovesItsLineOnly() throws {
        let text = "# c1\n[container]\nimage = \"x\"  # why\nnetwork = \"none\"\n# c2\n"
        let result = try edited(text) { _ = try $0.remove(["container", "image"]) }
        #expect(result == "# c1\n[container]\nnetwork = \"none\"\n# c2\n")
    }

    @Test func removingATableRemovesItsSectionsAndDottedKeys() throws {
        let text = "a = 1\n[container]\nimage = \"x\"\n[container.env]\nX = \"1\"\n[session]\nshell = \"sh\"\n"
        let result = try edited(text) { _ = try $0.remove(["container"]) }
        #expect(result == "a = 1\n[session]\nshell = \"sh\"\n")
        let dotted = try edited("container.image = \"x\"\ncontainer.network = \"y\"\nb = 2\n") {
            _ = try $0.remove(["container"])
        }
        #expect(dotted == "b = 2\n")
    }

    @Test func removingFromAnInlineTableKeepsItWellFormed() throws {
        #expect(try edited("t = { a = 1, b = 2, c = 3 }\n") { try $0.remove(["t", "b"]) } == "t = { a = 1, c = 3 }\n")
        #expect(try edited("t = { a = 1, b = 2 }\n") { try $0.remove(["t", "b"]) } == "t = { a = 1 }\n")
        #expect(try edited("t = { a = 1, b = 2 }\n") { try $0.remove(["t", "a"]) } == "t = { b = 2 }\n")
        #expect(try edited("t = { a = 1 }\n") { try $0.remove(["t", "a"]) } == "t = {}\n")
    }

    @Test func removingAMissingKeyChangesNothing() throws {
        let text = "[a]\nb = 1\n"
        var editor = try TOMLEditor(text: text)
        #expect(try editor.remove(["a", "c"]) == false)
        #expect(try editor.remove(["z"]) == false)
        #expect(editor.text == text)
    }

    @Test func replacingATableWithAValueIsRefusedAndLeavesTheTextAlone() throws {
        let text = "[container]\nimage = \"x\"\n"
        var editor = try TOMLEditor(text: text, path: "config.toml")
        let error = try #require(throws: DiagnosticError.self) { try editor.set(["container"], to: .string("x")) }
        #expect(error.diagnostics.first?.code == "toml.edit-replaces-table")
        #expect(editor.text == text)
    }

    @Test func settingThroughAScalarIsRefused() throws {
        var editor = try TOMLEditor(text: "container = \"x\"\n")
        let error = try #require(throws: DiagnosticError.self) {
            try editor.set(["container", "image"], to: .string("y"))
        }
        #expect(error.diagnostics.first?.code == "toml.not-a-table")
        #expect(editor.text == "container = \"x\"\n")
    }

    @Test func settingInsideAnArrayOfTablesIsRefused() throws {
        var editor = try TOMLEditor(text: "[[layer]]\nname = \"a\"\n")
        let error = try #require(throws: DiagnosticError.self) { try editor.set(["layer", "name"], to: .string("b")) }
        #expect(error.diagnostics.first?.code == "toml.edit-unsupported")
    }

    @Test func invalidTextCannotBeEdited() {
        #expect(throws: DiagnosticError.self) { try TOMLEditor(text: "a = \n") }
    }

    @Test func implicitParentTablesGetTheirOwnSection() throws {
        let text = "[credentials.aws]\nenabled = true\n"
        let result = try edited(text) { try $0.set(["credentials", "github", "host"], to: .string("ghe.example")) }
        #expect(result == "[credentials.aws]\nenabled = true\n\n[credentials.github]\nhost = \"ghe.example\"\n")
    }
}
