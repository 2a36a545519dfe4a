import PolicyModel
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.88.0.1", "10.88.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"), ("::", "::"), ("FD00:0:0:0:0:0:0:1", "fd00::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8::0001", "2001:db8::1"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("::ffff:1.2.3.4", "::ffff:102:304"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
    ])
    func literalsParseToTheirCanonicalForm(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/32", "1.2.3.4\n",
        "1.2.3.4 -j ACCEPT", "a.b.c.d", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "12345::", "g::1",
        "1:2:3:4:5:6:7::8", "[::1]", "example.com", "::1.2.3.4.5", "１.2.3.4",
    ])
    func anythingElseIsNotAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func familyFollowsTheForm() throws {
        #expect(try #require(IPAddress("10.0.0.1")).family == .ipv4)
        #expect(try #require(IPAddress("::1")).family == .ipv6)
        #expect(IPAddress("10.0.0.1", family: .ipv6) == nil)
        #expect(IPAddress("::1", family: .ipv4) == nil)
        #expect(try #require(IPAddress("::1")).hostPrefix == "::1/128")
        #expect(try #require(IPAddress("10.0.0.1")).hostPrefix == "10.0.0.1/32")
    }

    @Test func addressesSortNumericallyIPv4First() {
        let sorted = ["10.0.0.10", "::1", "10.0.0.9", "9.0.0.1", "2001:db8::", "fd00::1"].compactMap(IPAddress.init)
            .sorted()
        #expect(sorted.map(\.description) == ["9.0.0.1", "10.0.0.9", "10.0.0.10", "::1", "2001:db8::", "fd00::1"])
    }
}
