import BallastWebhooks
import Foundation
import Testing

@Suite("Target address classification")
struct TargetAddressTests {
    /// Address text → the reason it is refused, or nil when deliveries may go there.
    static let cases: [(String, String?)] = [
        // Public addresses.
        ("8.8.8.8", nil),
        ("1.1.1.1", nil),
        ("93.184.215.14", nil),
        ("172.15.255.255", nil),
        ("172.32.0.0", nil),
        ("100.63.255.255", nil),
        ("100.128.0.0", nil),
        ("198.17.255.255", nil),
        ("198.20.0.0", nil),
        ("223.255.255.255", nil),
        ("2606:4700::1111", nil),
        ("2001:4860:4860::8888", nil),
        ("::ffff:8.8.8.8", nil),
        ("64:ff9b::808:808", nil),
        ("2002:808:808::1", nil),
        // IPv4.
        ("0.0.0.0", "an unspecified address"),
        ("0.1.2.3", "an unspecified address"),
        ("127.0.0.1", "a loopback address"),
        ("127.255.255.254", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "a carrier-grade NAT address"),
        ("100.127.255.255", "a carrier-grade NAT address"),
        ("169.254.0.1", "a link-local address"),
        ("169.254.169.254", "the cloud metadata address"),
        ("100.100.100.200", "the cloud metadata address (Alibaba Cloud)"),
        ("192.0.0.8", "a reserved (IETF protocol) address"),
        ("192.0.2.1", "a documentation address"),
        ("198.51.100.7", "a documentation address"),
        ("203.0.113.9", "a documentation address"),
        ("198.18.0.1", "a benchmarking address"),
        ("198.19.255.255", "a benchmarking address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.254", "a reserved address"),
        ("255.255.255.255", "the broadcast address"),
        // IPv6.
        ("::", "an unspecified address"),
        ("::1", "a loopback address"),
        ("fc00::1", "a private (unique local) address"),
        ("fdff:ffff::1", "a private (unique local) address"),
        ("fd00:ec2::254", "the cloud metadata address"),
        ("fe80::1", "a link-local address"),
        ("febf::1", "a link-local address"),
        ("fec0::1", "a site-local address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a documentation address"),
        ("3fff:fff::1", "a documentation address"),
        ("2001:2::1", "a benchmarking address"),
        ("2001::1", "a Teredo tunnel address"),
        ("100::1", "a discard-only address"),
        ("64:ff9b:1::a00:1", "a local-use NAT64 address"),
        ("::ffff:0:0:0", "a reserved address"),
        // IPv6 forms that carry an IPv4 address are judged by it.
        ("::ffff:127.0.0.1", "a loopback address (127.0.0.1 inside IPv6)"),
        ("::ffff:10.1.2.3", "a private address (10.1.2.3 inside IPv6)"),
        ("::ffff:169.254.169.254", "the cloud metadata address (169.254.169.254 inside IPv6)"),
        ("::127.0.0.1", "a loopback address (127.0.0.1 inside IPv6)"),
        ("64:ff9b::a9fe:a9fe", "the cloud metadata address (169.254.169.254 inside IPv6)"),
        ("64:ff9b::7f00:1", "a loopback address (127.0.0.1 inside IPv6)"),
        ("2002:c0a8:101::1", "a private address (192.168.1.1 inside IPv6)"),
        ("2002:7f00:1::", "a loopback address (127.0.0.1 inside IPv6)"),
    ]

    /// The address's bytes, read with the system's own parser so the table is written as people write it.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    @Test("Refuses local, private, metadata and special-purpose addresses; allows public ones", arguments: cases)
    func classifies(text: String, expected: String?) throws {
        let bytes = try #require(Self.bytes(of: text))
        #expect(TargetAddress.refusal(for: bytes) == expected)
        let perFamily = bytes.count == 4 ? TargetAddress.refusal(forIPv4: bytes) : TargetAddress.refusal(forIPv6: bytes)
        #expect(perFamily == expected)
    }

    @Test("Prints addresses as people write them", arguments: ["10.0.0.1", "::1", "::ffff:127.0.0.1", "2606:4700::1111"])
    func prints(text: String) throws {
        #expect(TargetAddress.text(of: try #require(Self.bytes(of: text))) == text)
    }

    @Test("Refuses byte strings of the wrong length", arguments: [[], [127, 0, 0], [UInt8](repeating: 0, count: 5)] as [[UInt8]])
    func wrongLength(bytes: [UInt8]) {
        #expect(TargetAddress.refusal(forIPv4: bytes) != nil)
        #expect(TargetAddress.refusal(forIPv6: bytes) != nil)
    }
}
