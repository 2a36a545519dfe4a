import Diagnostics
import Foundation
import PolicyModel
import TOML
import TestSupport
import Testing

/// Property tests over every valid toml-test document.
@Suite struct TOMLRoundTripTests {
    static func load(_ testCase: TOMLTestCases.Case) throws -> (String, TOMLDocument) {
        let text = String(decoding: try Data(contentsOf: testCase.url), as: UTF8.self)
        return (text, try TOMLParser.parse(text, path: testCase.name))
    }

    static func json(_ table: TOMLTable) -> JSONValue {
        TOMLValue(.table(table), span: .point(0)).taggedJSON
    }

    @Test(arguments: TOMLTestCases.valid)
    func writtenDocumentParsesBackToTheSameValues(_ testCase: TOMLTestCases.Case) throws {
        let (_, document) = try Self.load(testCase)
        let written = TOMLWriter.document(document.root)
        let reparsed = try TOMLParser.parse(written, path: "written.toml")
        #expect(
            TaggedJSONComparison.normalise(Self.json(reparsed.root))
                == TaggedJSONComparison.normalise(Self.json(document.root)), "\(written)")
        // Writing is idempotent.
        #expect(TOMLWriter.document(reparsed.root) == written)
    }

    /// Key paths of every value reachable through tables only (not inside arrays).
    static func keyPaths(_ table: TOMLTable, prefix: [String] = []) -> [[String]] {
        var paths = [[String]]()
        for entry in table.entries {
            let path = prefix + [entry.key.name]
            if let child = entry.value.tableValue {
                paths += keyPaths(child, prefix: path)
            } else if case .array(let elements) = entry.value.kind,
                elements.first?.tableValue?.definition == .arrayElement
            {
                continue
            } else {
                paths.append(path)
            }
        }
        return paths
    }

    static func replacing(_ value: JSONValue, at path: ArraySlice<String>, with replacement: JSONValue) -> JSONValue {
        guard let key = path.first else { return replacement }
        var members: [String: JSONValue] = [:]
        if case .object(let existing) = value { members = existing }
        members[key] = replacing(members[key] ?? .null, at: path.dropFirst(), with: replacement)
        return .object(members)
    }

    @Test(arguments: TOMLTestCases.valid)
    func settingAKeyChangesExactlyThatValue(_ testCase: TOMLTestCases.Case) throws {
        let (text, document) = try Self.load(testCase)
        for path in Self.keyPaths(document.root).prefix(8) {
            var editor = try TOMLEditor(text: text, path: testCase.name)
            try editor.set(path, to: .string("edited value"))
            let expected = Self.replacing(
                Self.json(document.root), at: path[...],
                with: .object(["type": .string("string"), "value": .string("edited value")]))
            let actual = Self.json(try TOMLParser.parse(editor.text).root)
            #expect(
                TaggedJSONComparison.normalise(actual) == TaggedJSONComparison.normalise(expected),
                "set \(path) in \(testCase.name)")
        }
    }

    @Test(arguments: TOMLTestCases.valid)
    func addingANewKeyKeepsEveryExistingValue(_ testCase: TOMLTestCases.Case) throws {
        let (text, document) = try Self.load(testCase)
        for path in [["mino_added"], ["mino_new_table", "key"]]
            + Self.keyPaths(document.root).prefix(3).map({
                Array($0.dropLast()) + ["mino_added_sibling"]
            })
        {
            var editor = try TOMLEditor(text: text, path: testCase.name)
            do {
                try editor.set(path, to: .integer(7))
            } catch {
                // Refusals (e.g. a sibling inside an array of tables) must leave the text alone.
                #expect(editor.text == text)
                continue
            }
            let expected = Self.replacing(
                Self.json(document.root), at: path[...],
                with: .object(["type": .string("integer"), "value": .string("7")]))
            let actual = Self.json(try TOMLParser.parse(editor.text).root)
            #expect(
                TaggedJSONComparison.normalise(actual) == TaggedJSONComparison.normalise(expected),
                "add \(path) to \(testCase.name):\n\(editor.text)")
            // Nothing of the original text is lost: it is a subsequence of the edited text.
            #expect(Self.isSubsequence(Array(text.utf8), of: Array(editor.text.utf8)))
        }
    }

    static func isSubsequence(_ small: [UInt8], of large: [UInt8]) -> Bool {
        var index = 0
        for byte in large where index < small.count && small[index] == byte {
            index += 1
        }
        return index == small.count
    }
}
