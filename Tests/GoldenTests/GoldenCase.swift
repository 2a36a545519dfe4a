import Foundation
import TestSupport

/// One scenario directory under `Cases/`.
struct GoldenCase: Sendable, CustomStringConvertible {
    let name: String
    let directory: URL

    var description: String { name }

    static let casesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Cases")

    /// Every scenario, sorted by name.
    static let all: [GoldenCase] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: casesDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map {
            GoldenCase(name: $0, directory: casesDirectory.appendingPathComponent($0))
        }
    }()

    var expectedDirectory: URL { directory.appendingPathComponent("expected") }

    /// The text of an input file, if present.
    func input(_ file: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    }

    /// Non-empty lines of an input file.
    func lines(_ file: String) -> [String] {
        (input(file) ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// `key=value` lines of an input file.
    func pairs(_ file: String) -> [String: String] {
        var result = [String: String]()
        for line in lines(file) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return result
    }

    var isApproved: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("approved").path) }

    /// The files currently in `expected/`.
    func expectedFiles() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: expectedDirectory.path)) ?? [])
    }
}
