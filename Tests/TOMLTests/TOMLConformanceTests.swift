import Diagnostics
import Foundation
import PolicyModel
import TOML
import TestSupport
import Testing

/// The official toml-test cases for TOML 1.0.0, enumerated at run time.
@Suite struct TOMLConformanceTests {
    /// Cases we knowingly fail, each with a reason. Empty: every case passes.
    static let knownFailures: [String: String] = [:]

    @Test func conformanceCasesAreFound() {
        if TOMLTestCases.all.isEmpty {
            if RepositoryPaths.isCI {
                Issue.record("toml-test cases not found; set MINO_TOML_TEST_DIR (required under CI)")
            } else {
                print("notice: toml-test cases not found; conformance tests skipped (set MINO_TOML_TEST_DIR)")
            }
            return
        }
        #expect(TOMLTestCases.valid.count == 210)
        #expect(TOMLTestCases.invalid.count == 499)
    }

    @Test func everyKnownFailureNamesAnExistingCase() {
        let names = Set(TOMLTestCases.all.map(\.name))
        for name in Self.knownFailures.keys {
            #expect(names.contains(name), "stale known failure: \(name)")
        }
    }

    @Test(arguments: TOMLTestCases.valid)
    func validCaseDecodesToExpectedTaggedJSON(_ testCase: TOMLTestCases.Case) throws {
        let bytes = [UInt8](try Data(contentsOf: testCase.url))
        let expectedData = try Data(contentsOf: testCase.expectedJSONURL)
        let document: TOMLDocument
        do {
            document = try TOMLParser.parse(SourceFile(path: testCase.name, bytes: bytes))
        } catch {
            guard Self.knownFailures[testCase.name] == nil else { return }
            Issue.record("rejected: \(DiagnosticRenderer(format: .plain).render(error.diagnostics))")
            return
        }
        let actual = TaggedJSONComparison.normalise(TOMLValue(.table(document.root), span: .point(0)).taggedJSON)
        let expected = TaggedJSONComparison.normalise(try TaggedJSONComparison.parse(expectedData))
        #expect(expected != nil, "expected JSON is not tagged JSON")
        if Self.knownFailures[testCase.name] == nil {
            #expect(actual == expected)
        }
    }

    @Test(arguments: TOMLTestCases.invalid)
    func invalidCaseIsRejectedWithALocatedDiagnostic(_ testCase: TOMLTestCases.Case) throws {
        let bytes = [UInt8](try Data(contentsOf: testCase.url))
        let source = SourceFile(path: testCase.name, bytes: bytes)
        do {
            _ = try TOMLParser.parse(source)
            if Self.knownFailures[testCase.name] == nil {
                Issue.record("accepted an invalid document")
            }
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.code.rawValue.hasPrefix("toml."))
            let span = try #require(diagnostic.origin?.fileSpan)
            #expect(span.span.end <= bytes.count)
            // Rendering never traps, whatever the bytes.
            _ = DiagnosticRenderer(format: .human).render(error.diagnostics)
        }
    }
}
