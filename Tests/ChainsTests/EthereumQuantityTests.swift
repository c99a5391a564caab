import BallastChains
import Testing

@Suite("Ethereum hex quantities")
struct EthereumQuantityTests {
    @Test(
        "hex quantities are read exactly, far beyond 64 bits",
        arguments: [
            ("0x0", "0"),
            ("0x14d1120d7b160000", "1500000000000000000"),
            ("0x10000000000000005", "18446744073709551621"),
            ("0x000000000000000000000000000000000000000000000000000000000000002a", "42"),
            ("0X2A", "42"),
            ("0x100000000000000000000000000000000", "340282366920938463463374607431768211456"),
            (
                "0x" + String(repeating: "f", count: 64),
                "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            ),
        ])
    func exact(hex: String, decimal: String) throws {
        let quantity = try EthereumQuantity(hex: hex)
        #expect(quantity.decimalString == decimal)
        #expect(try EthereumQuantity(hex: quantity.hexString) == quantity)
    }

    @Test(
        "malformed hex is refused with the reason, never read as a number",
        arguments: [
            ("", "does not start with 0x"),
            ("42", "does not start with 0x"),
            ("0x", "no digits"),
            ("0x12g4", "'g' is not a hex digit"),
            ("0x1.5", "'.' is not a hex digit"),
            ("-0x1", "does not start with 0x"),
            ("0x1" + String(repeating: "0", count: 64), "larger than 256 bits"),
        ])
    func malformed(hex: String, reason: String) {
        #expect {
            try EthereumQuantity(hex: hex)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("quantities are written as nodes write them: shortest hex, and 32 bytes in log data")
    func written() {
        #expect(EthereumQuantity(0).hexString == "0x0")
        #expect(EthereumQuantity(255).hexString == "0xff")
        #expect(EthereumQuantity(high: 1, low: 0).hexString == "0x1" + String(repeating: "0", count: 32))
        #expect(EthereumQuantity(255).paddedHexString == "0x" + String(repeating: "0", count: 62) + "ff")
        #expect(EthereumQuantity(high: 0, low: UInt128(UInt64.max) + 1).uint64Value == nil)
    }

    @Test("a checksummed address and its lower-case form are the same account")
    func addresses() throws {
        let checksummed = try EthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let lower = try EthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        #expect(checksummed == lower)
        #expect(checksummed.lowercased == "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        #expect(throws: EthereumResponseError.malformedAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")) {
            try EthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")
        }
    }
}
