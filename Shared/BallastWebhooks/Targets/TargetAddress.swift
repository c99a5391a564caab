#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which resolved addresses a webhook may not be sent to: anything that reaches this machine, the private
/// network behind it, or the cloud's metadata service (whose credentials a forged "webhook" could read).
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address, so
/// `::ffff:127.0.0.1` is as local as `127.0.0.1`.
public enum TargetAddress {
    /// The reason a 4-byte IPv4 address is refused ("a private address"), or nil when it may be used.
    public static func refusal(forIPv4 bytes: [UInt8]) -> String? {
        guard bytes.count == 4 else { return "not an IPv4 address" }
        return ipv4Rules.first { matches(bytes, $0.prefix, bits: $0.bits) }?.reason
    }

    /// The reason a 16-byte IPv6 address is refused, or nil when it may be used.
    public static func refusal(forIPv6 bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return "not an IPv6 address" }
        if let rule = ipv6Rules.first(where: { matches(bytes, $0.prefix, bits: $0.bits) }) { return rule.reason }
        for form in embeddingForms where matches(bytes, form.prefix, bits: form.bits) {
            let embedded = Array(bytes[form.offset..<form.offset + 4])
            return refusal(forIPv4: embedded).map { "\($0) (\(text(of: embedded)) inside IPv6)" }
        }
        return ipv6LateRules.first { matches(bytes, $0.prefix, bits: $0.bits) }?.reason
    }

    /// The reason for an address of either family: 4 bytes are IPv4, 16 bytes IPv6.
    public static func refusal(for bytes: [UInt8]) -> String? {
        bytes.count == 4 ? refusal(forIPv4: bytes) : refusal(forIPv6: bytes)
    }

    /// The address as people write it: `10.0.0.1`, `::ffff:127.0.0.1`.
    public static func text(of bytes: [UInt8]) -> String {
        guard bytes.count == 4 || bytes.count == 16 else { return "(\(bytes.count)-byte address)" }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "(unprintable address)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private typealias Rule = (prefix: [UInt8], bits: Int, reason: String)

    /// First match wins, so single addresses come before the ranges that hold them.
    private static let ipv4Rules: [Rule] = [
        ([169, 254, 169, 254], 32, "the cloud metadata address"),
        ([100, 100, 100, 200], 32, "the cloud metadata address (Alibaba Cloud)"),
        ([255, 255, 255, 255], 32, "the broadcast address"),
        ([0, 0, 0, 0], 8, "an unspecified address"),
        ([127, 0, 0, 0], 8, "a loopback address"),
        ([10, 0, 0, 0], 8, "a private address"),
        ([172, 16, 0, 0], 12, "a private address"),
        ([192, 168, 0, 0], 16, "a private address"),
        ([100, 64, 0, 0], 10, "a carrier-grade NAT address"),
        ([169, 254, 0, 0], 16, "a link-local address"),
        ([192, 0, 0, 0], 24, "a reserved (IETF protocol) address"),
        ([192, 0, 2, 0], 24, "a documentation address"),
        ([198, 51, 100, 0], 24, "a documentation address"),
        ([203, 0, 113, 0], 24, "a documentation address"),
        ([198, 18, 0, 0], 15, "a benchmarking address"),
        ([224, 0, 0, 0], 4, "a multicast address"),
        ([240, 0, 0, 0], 4, "a reserved address"),
    ]

    private static let ipv6Rules: [Rule] = [
        ([0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128, "the cloud metadata address"),
        ([UInt8](repeating: 0, count: 16), 128, "an unspecified address"),
        ([UInt8](repeating: 0, count: 15) + [1], 128, "a loopback address"),
    ]

    /// IPv6 ranges whose last (or, for 6to4, third to sixth) bytes are an IPv4 address.
    private static let embeddingForms: [(prefix: [UInt8], bits: Int, offset: Int)] = [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], 96, 12),  // IPv4-mapped ::ffff:0:0/96
        ([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0], 96, 12),  // NAT64 64:ff9b::/96
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96, 12),  // IPv4-compatible ::/96 (deprecated)
        ([0x20, 0x02], 16, 2),  // 6to4 2002::/16
    ]

    private static let ipv6LateRules: [Rule] = [
        ([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01], 48, "a local-use NAT64 address"),
        ([0x20, 0x01, 0x00, 0x00], 32, "a Teredo tunnel address"),
        ([0x20, 0x01, 0x0D, 0xB8], 32, "a documentation address"),
        ([0x3F, 0xFF, 0x00], 20, "a documentation address"),
        ([0x20, 0x01, 0x00, 0x02, 0x00, 0x00], 48, "a benchmarking address"),
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "a discard-only address"),
        ([0xFC], 7, "a private (unique local) address"),
        ([0xFE, 0x80], 10, "a link-local address"),
        ([0xFE, 0xC0], 10, "a site-local address"),
        ([0xFF], 8, "a multicast address"),
        ([0x00], 8, "a reserved address"),
    ]

    private static func matches(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        var remaining = bits
        for (index, byte) in prefix.enumerated() where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard index < bytes.count, bytes[index] & mask == byte & mask else { return false }
            remaining -= 8
        }
        return true
    }
}
