import Diagnostics
import Foundation
import PolicyModel
import Testing

@Suite struct SHA256Tests {
    /// The example vectors of NIST's Secure Hashing examples (FIPS 180 SHA-256).
    static let nistVectors: [(String, String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test(arguments: nistVectors)
    func matchesTheNISTExampleVectors(_ message: String, _ digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == digest)
    }

    @Test func matchesTheMillionAVector() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesAtEveryBoundaryGiveTheSameDigest() {
        var generator = SystemRandomNumberGenerator()
        let message = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let whole = SHA256.hash(message)
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 200, 299, 300] {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == whole, "split at \(split)")
        }
        var bytewise = SHA256()
        for byte in message { bytewise.update(CollectionOfOne(byte)) }
        #expect(bytewise.finalize() == whole)
    }

    @Test func agreesWithSha256sumOnRandomFiles() throws {
        let tool = "/usr/bin/sha256sum"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("sha256sum is needed for this test (coreutils)")
            return
        }
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 63, 64, 65, 1000, 65_537, 1 << 20, 3 << 20] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("mino-sha-\(UUID().uuidString)")
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [url.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output.prefix(64) == SHA256.hash(bytes).hex, "size \(size)")
        }
    }
}
