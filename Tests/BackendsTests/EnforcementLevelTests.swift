import Backends
import Testing

@Suite struct EnforcementLevelTests {
    @Test func levelsAreOrderedFromKernelToUnsupported() {
        #expect(EnforcementLevel.allCases.map(\.rawValue) == ["kernel", "proxy", "advisory", "unsupported"])
    }
}
