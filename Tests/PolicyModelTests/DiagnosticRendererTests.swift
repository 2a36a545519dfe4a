import Diagnostics
import PolicyModel
import Testing

@Suite struct DiagnosticRendererTests {
    static func render(_ text: String, at offset: Int, length: Int = 1) -> String {
        let file = SourceFile(path: "config.toml", text: text)
        let diagnostic = Diagnostic.error(
            "test.code", "message",
            at: .file(FileSpan(file: file, span: SourceSpan(start: offset, end: offset + length))))
        return DiagnosticRenderer(format: .human).render(diagnostic)
    }

    @Test func secretLookingValuesOnContextLinesAreMasked() {
        let text = "[container.env]\nAPI_TOKEN = \"t0p-s3cret\"\nBROKEN x\n"
        let output = Self.render(text, at: 41)
        #expect(!output.contains("t0p-s3cret"))
        #expect(output.contains("2 | API_TOKEN = \"<redacted>\""))
        #expect(output.contains("3 | BROKEN x"))
    }

    @Test func ordinaryValuesAreShownAsWritten() {
        let output = Self.render("[container]\nimage = \"fedora:43\"\nBROKEN x\n", at: 38)
        #expect(output.contains("2 | image = \"fedora:43\""))
    }

    @Test func caretsAfterAMaskedValueMoveWithIt() {
        // The error is the trailing `x` after the secret value on the same line.
        let text = "SESSION_KEY = \"abc\" x\n"
        let output = Self.render(text, at: 20)
        let lines = output.split(separator: "\n")
        #expect(lines.contains("1 | SESSION_KEY = \"<redacted>\""))
        #expect(!output.contains("abc"))
    }

    @Test func plainAndJSONFormsCarryNoSourceText() {
        let file = SourceFile(path: "c.toml", text: "API_TOKEN = \"s3cret\"\n")
        let diagnostic = Diagnostic.error(
            "x.y", "bad", at: .file(FileSpan(file: file, span: SourceSpan(start: 0, end: 9))))
        #expect(!DiagnosticRenderer(format: .plain).render(diagnostic).contains("s3cret"))
        #expect(!DiagnosticRenderer(format: .json).render(diagnostic).contains("s3cret"))
    }

    @Test func argumentDiagnosticsUnderlineTheToken() {
        let list = ArgumentList(["mino", "run", "--netwrk", "bridge"])
        let diagnostic = Diagnostic.error(
            "cli.unknown-option", "unknown option", at: .argument(ArgumentPosition(list: list, index: 2)))
        let output = DiagnosticRenderer(format: .human).render(diagnostic)
        #expect(output.contains("  | mino run --netwrk bridge\n  |          ^^^^^^^^\n"))
    }
}
