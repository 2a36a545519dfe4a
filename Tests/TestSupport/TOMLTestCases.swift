import Foundation

/// Finds the official toml-test cases (data kept outside the repository).
///
/// Looked up in `$MINO_TOML_TEST_DIR`, then `../shared/toml-test` next to the repository, then
/// `/work/shared/toml-test`. Under CI (`CI` set) a missing directory is a test failure.
public enum TOMLTestCases {
    /// One case from `tests/files-toml-1.0.0`.
    public struct Case: Sendable, CustomStringConvertible {
        /// The path relative to `tests/`, e.g. `valid/string/escapes.toml`.
        public let name: String
        /// The absolute path of the `.toml` file.
        public let url: URL
        /// Whether the case must decode (`valid/…`) or be rejected (`invalid/…`).
        public var isValid: Bool { name.hasPrefix("valid/") }
        /// The expected tagged JSON next to a valid case.
        public var expectedJSONURL: URL { url.deletingPathExtension().appendingPathExtension("json") }
        public var description: String { name }
    }

    /// The `tests` directory, if found.
    public static let directory: URL? = {
        var candidates = [URL]()
        if let configured = ProcessInfo.processInfo.environment["MINO_TOML_TEST_DIR"], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        candidates.append(
            RepositoryPaths.root.deletingLastPathComponent().appendingPathComponent("shared/toml-test"))
        candidates.append(URL(fileURLWithPath: "/work/shared/toml-test"))
        for candidate in candidates {
            let tests = candidate.appendingPathComponent("tests")
            if FileManager.default.fileExists(atPath: tests.appendingPathComponent("files-toml-1.0.0").path) {
                return tests
            }
        }
        return nil
    }()

    /// Every TOML 1.0.0 case, or an empty list when the directory is missing.
    public static let all: [Case] = {
        guard let directory,
            let listing = try? String(contentsOf: directory.appendingPathComponent("files-toml-1.0.0"), encoding: .utf8)
        else { return [] }
        return listing.split(separator: "\n").map(String.init).filter { $0.hasSuffix(".toml") }.map {
            Case(name: $0, url: directory.appendingPathComponent($0))
        }
    }()

    /// The cases that must decode.
    public static var valid: [Case] { all.filter(\.isValid) }
    /// The cases that must be rejected.
    public static var invalid: [Case] { all.filter { !$0.isValid } }
}

/// Paths inside the repository, found from this file's location.
public enum RepositoryPaths {
    /// The repository root.
    public static let root: URL = {
        // Tests/TestSupport/TOMLTestCases.swift -> repository root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// Whether this run is under CI, where every integration prerequisite must be present.
    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty
    }
}
