import Testing

@testable import HostProcess
@testable import MinoCLI
@testable import MinoCommands
@testable import PolicyExecutor

@Suite struct ArgumentTokenTests {
    @Test func wordsAreClassifiedLexically() {
        let tokens = ArgumentToken.tokenize(["run", "--name=x", "-dn", "-", "--", "--name", "-d", "--"])
        #expect(tokens.map(\.kind) == [.value, .longOption, .shortGroup, .value, .terminator, .value, .value, .value])
        #expect(tokens.map(\.index) == Array(1...8))
    }

    @Test func longOptionSplitsAtTheFirstEquals() {
        let parts = ArgumentToken(index: 1, text: "--env=A=b", kind: .longOption).longParts
        #expect(parts.name == "env")
        #expect(parts.value == "A=b")
        #expect(parts.valueRange == 6..<9)
    }

    @Test func longOptionWithEmptyNameOrValueIsKept() {
        let empty = ArgumentToken(index: 1, text: "--=x", kind: .longOption).longParts
        #expect(empty.name == "")
        #expect(empty.value == "x")
        let noValue = ArgumentToken(index: 1, text: "--name=", kind: .longOption).longParts
        #expect(noValue.value == "")
        #expect(noValue.valueRange == 7..<7)
    }

    @Test func shortLettersCarryUTF8ByteRanges() {
        let letters = ArgumentToken(index: 1, text: "-aéb", kind: .shortGroup).shortLetters
        #expect(letters.map(\.letter) == ["a", "é", "b"])
        #expect(letters.map(\.range) == [1..<2, 2..<4, 4..<5])
    }

    @Test func aLoneDashIsAValueAndTwoDashesATerminator() {
        #expect(ArgumentToken.tokenize(["-"]).map(\.kind) == [.value])
        #expect(ArgumentToken.tokenize(["--"]).map(\.kind) == [.terminator])
        #expect(ArgumentToken.tokenize(["---x"]).map(\.kind) == [.longOption])
    }
}
