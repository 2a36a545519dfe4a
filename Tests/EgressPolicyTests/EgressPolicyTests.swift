import EgressPolicy
import Testing

@Test func resolverListensOnLoopback() {
    #expect(EgressPolicy.resolverAddress == "127.0.0.1")
}
