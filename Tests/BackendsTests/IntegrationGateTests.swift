import Foundation
import Testing

/// Integration tests are opt-in locally but must never silently skip under CI.
@Suite struct IntegrationGateTests {
    @Test func integrationTestsAreEnabledUnderCI() {
        let environment = ProcessInfo.processInfo.environment
        if let ci = environment["CI"], !ci.isEmpty {
            #expect(environment["MINO_INTEGRATION"] == "1", "CI must run the integration tests: set MINO_INTEGRATION=1")
        }
    }
}
