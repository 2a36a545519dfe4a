import Testing

@testable import TOML

@Suite struct UTF8ValidationTests {
    static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) }
    }

    @Test func acceptsEveryScalarRangeBoundary() {
        let text = "a\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}z"
        #expect(Self.firstInvalid(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        ([0xC0, 0x80] as [UInt8], 0),  // overlong NUL
        ([0xE0, 0x80, 0x80], 0),  // overlong three-byte
        ([0xED, 0xA0, 0x80], 0),  // surrogate U+D800
        ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
        ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated at the end
        ([0x61, 0x80], 1),  // stray continuation byte
        ([0xFF], 0),
    ])
    func rejectsMalformedSequencesAtTheirFirstByte(_ bytes: [UInt8], _ offset: Int) {
        #expect(Self.firstInvalid(bytes) == offset)
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytesAtEveryAlignment() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x9F]
        for _ in 0..<5000 {
            let length = Int.random(in: 0...24, using: &generator)
            let prefix = Int.random(in: 0...9, using: &generator)
            let bytes =
                [UInt8](repeating: 0x61, count: prefix)
                + (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x41 }
            let expectedValid = String(validating: bytes, as: UTF8.self) != nil
            #expect((Self.firstInvalid(bytes) == nil) == expectedValid, "\(bytes)")
        }
    }
}
