import PolicyModel
import Testing

@Suite struct IPNetworkTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"), ("0.0.0.0/0", "0.0.0.0/0"), ("192.0.2.1/32", "192.0.2.1/32"),
        ("172.16.0.0/12", "172.16.0.0/12"), ("FD00::/8", "fd00::/8"), ("::/0", "::/0"), ("::1/128", "::1/128"),
        ("2001:db8:0:0::/32", "2001:db8::/32"), ("fe80::/10", "fe80::/10"), ("100.64.0.0/10", "100.64.0.0/10"),
    ])
    func blocksParseToTheirCanonicalForm(_ text: String, _ canonical: String) throws {
        let network = try #require(IPNetwork(text))
        #expect(network.description == canonical)
        #expect(IPNetwork(canonical) == network)
    }

    @Test func refusalsSayWhy() {
        #expect(IPNetwork.parse("10.0.0.0") == .failure(.missingPrefixLength))
        #expect(IPNetwork.parse("intranet/8") == .failure(.invalidAddress("intranet")))
        #expect(IPNetwork.parse("10.0.0.0/33") == .failure(.invalidPrefixLength("33", maximum: 32)))
        #expect(IPNetwork.parse("fd00::/129") == .failure(.invalidPrefixLength("129", maximum: 128)))
        #expect(IPNetwork.parse("10.0.0.0/08") == .failure(.invalidPrefixLength("08", maximum: 32)))
        #expect(IPNetwork.parse("10.0.0.0/") == .failure(.invalidPrefixLength("", maximum: 32)))
        #expect(IPNetwork.parse("10.0.0.0/-1") == .failure(.invalidPrefixLength("-1", maximum: 32)))
        #expect(IPNetwork.parse("10.0.0.0/ 8") == .failure(.invalidPrefixLength(" 8", maximum: 32)))
        guard case .failure(.hostBitsSet(let suggestion)) = IPNetwork.parse("10.1.2.3/8") else {
            Issue.record("host bits accepted")
            return
        }
        #expect(suggestion.description == "10.0.0.0/8")
        guard case .failure(.hostBitsSet(let v6)) = IPNetwork.parse("fd12:3456::1/16") else {
            Issue.record("host bits accepted")
            return
        }
        #expect(v6.description == "fd12::/16")
    }

    @Test(arguments: ["", "/8", "10.0.0.0/8/8", "[fd00::]/8", "10.0.0.0/8 ", "1.2.3/24", "fe80::1%eth0/64"])
    func junkIsNotABlock(_ text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func containmentFollowsThePrefixAndTheFamily() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains(try #require(IPAddress("10.255.255.255"))))
        #expect(!ten.contains(try #require(IPAddress("11.0.0.0"))))
        #expect(!ten.contains(try #require(IPAddress("::ffff:10.0.0.1"))))
        let odd = try #require(IPNetwork("172.16.0.0/12"))
        #expect(odd.contains(try #require(IPAddress("172.31.255.255"))))
        #expect(!odd.contains(try #require(IPAddress("172.32.0.0"))))
        let ula = try #require(IPNetwork("fc00::/7"))
        #expect(ula.contains(try #require(IPAddress("fd00::1"))))
        #expect(!ula.contains(try #require(IPAddress("fe00::1"))))
        #expect(try #require(IPNetwork("0.0.0.0/0")).contains(try #require(IPAddress("203.0.113.9"))))
        #expect(ten.contains(try #require(IPNetwork("10.1.0.0/16"))))
        let narrow = try #require(IPNetwork("10.1.0.0/16"))
        #expect(!narrow.contains(ten))
    }

    @Test func blocksAreBuiltFromAnyAddressByMasking() throws {
        let address = try #require(IPAddress("192.168.37.200"))
        #expect(IPNetwork(containing: address, prefixLength: 20).description == "192.168.32.0/20")
        #expect(IPNetwork(containing: address, prefixLength: 99).description == "192.168.37.200/32")
        #expect(IPNetwork(address: address, prefixLength: 20) == nil)
        #expect(IPNetwork(address: address, prefixLength: 32)?.description == "192.168.37.200/32")
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [192, 0, 2, 1])?.description == "192.0.2.1")
    }

    @Test func resolverEndpointsPrintWithTheirPort() throws {
        #expect(ResolverEndpoint(address: try #require(IPAddress("192.0.2.53"))).description == "192.0.2.53:53")
        #expect(
            ResolverEndpoint(address: try #require(IPAddress("2001:db8::53")), port: 5353).description
                == "[2001:db8::53]:5353")
    }
}
