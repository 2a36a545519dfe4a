// toml-decoder: the toml-test decoder contract. TOML on standard input, tagged JSON on standard
// output; invalid input exits with status 1 and the diagnostic on standard error.
//
// `--parse-only` parses without writing JSON (used by the parse benchmark).

import Diagnostics
import Foundation
import TOML

let parseOnly = CommandLine.arguments.dropFirst().contains("--parse-only")
let input = FileHandle.standardInput.readDataToEndOfFile()
let source = SourceFile(path: "<stdin>", bytes: [UInt8](input))
do {
    let document = try TOMLParser.parse(source)
    if !parseOnly {
        let json = TOMLValue(.table(document.root), span: SourceSpan(start: 0, end: 0)).taggedJSON
        FileHandle.standardOutput.write(Data((json.rendered(pretty: false) + "\n").utf8))
    }
    exit(0)
} catch {
    let text = DiagnosticRenderer(format: .human).render(error.diagnostics)
    FileHandle.standardError.write(Data(text.utf8))
    exit(1)
}
