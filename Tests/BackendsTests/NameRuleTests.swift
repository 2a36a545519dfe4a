import Backends
import Diagnostics
import PolicyModel
import TestSupport
import Testing

@testable import Backends

/// One rule per name: the compiler and the backends accept and refuse exactly the same session
/// names (they once disagreed on `_x` and `a.b`).
@Suite struct NameRuleTests {
    static let names = [
        "_x", "a.b", "x", "session-0badcafe", "-x", "", String(repeating: "a", count: 64),
        String(repeating: "a", count: 65), "a b", "é", "a/b", "A_Z-9",
    ]

    @Test(arguments: names) func compilerAndBackendsAgreeOnSessionNames(name: String) {
        let compiles = (try? PolicyFixtures.compile([], request: PolicyFixtures.request(name: name))) != nil
        let backendAccepts = Validation.sessionName(name, origin: nil) == nil
        #expect(compiles == backendAccepts, "\(name)")
        #expect(compiles == SessionName.isValid(name), "\(name)")
    }

    @Test func theDisputedNamesHaveOneAnswer() {
        #expect(SessionName.isValid("_x"))
        #expect(!SessionName.isValid("a.b"))
    }
}
