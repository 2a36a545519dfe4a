// libFuzzer harness for the TOML front end (built by scripts/fuzz, not by SwiftPM).
//
// For every input: parse; on failure render the diagnostics in all three forms; on success
// write the document back, re-parse it and require the same values, encode tagged JSON, and
// drive the format-preserving editor (set, then remove, a key) requiring a valid result.

import Diagnostics
import TOML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let source = SourceFile(path: "fuzz.toml", bytes: bytes)
    let document: TOMLDocument
    do {
        document = try TOMLParser.parse(source)
    } catch {
        for format in DiagnosticRenderer.Format.allCases {
            _ = DiagnosticRenderer(format: format, colour: true).render(error.diagnostics)
        }
        return 0
    }
    let written = TOMLWriter.document(document.root)
    guard let reparsed = try? TOMLParser.parse(written, path: "written.toml") else {
        fatalError("written document does not parse:\n\(written)")
    }
    let original = TOMLValue(.table(document.root), span: .point(0)).taggedJSON.rendered()
    let again = TOMLValue(.table(reparsed.root), span: .point(0)).taggedJSON.rendered()
    // nan != nan in a comparison of values, but the rendered text is equal.
    if original != again {
        fatalError("round trip changed values:\n\(original)\n\(again)")
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if var editor = try? TOMLEditor(text: text, path: "fuzz.toml") {
        if (try? editor.set(["fuzz", "key"], to: .string("v\n\"x"))) != nil {
            guard (try? TOMLParser.parse(editor.text)) != nil else { fatalError("edit produced invalid TOML") }
            _ = try? editor.remove(["fuzz", "key"])
        }
        if let first = document.root.entries.first {
            _ = try? editor.set([first.key.name], to: .integer(1))
        }
    }
    return 0
}
