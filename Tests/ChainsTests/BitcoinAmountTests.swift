import BallastChains
import Testing

@Suite("Bitcoin amounts")
struct BitcoinAmountTests {
    @Test(
        "amounts in BTC become exact satoshis from the number's text",
        arguments: [
            ("0.00000001", Int64(1)),
            ("0.1", 10_000_000),
            ("0.30000000", 30_000_000),
            ("50.00000000", 5_000_000_000),
            ("20999999.97690000", 2_099_999_997_690_000),
            ("1e-8", 1),
            ("0", 0),
        ])
    func exactSatoshis(text: String, satoshis: Int64) {
        #expect(BitcoinAmount.satoshis(fromBitcoinText: text) == satoshis)
    }

    @Test(
        "fractions of a satoshi, negative amounts, more than 21 million BTC and non-numbers are refused",
        arguments: ["0.000000001", "-0.1", "21000000.00000001", "abc", "", "1,5"])
    func refused(text: String) {
        #expect(BitcoinAmount.satoshis(fromBitcoinText: text) == nil)
    }

    @Test(
        "satoshis are written as Bitcoin Core writes them, with 8 decimals",
        arguments: [(Int64(1), "0.00000001"), (5_000_000_000, "50.00000000"), (123_456_789, "1.23456789")])
    func written(satoshis: Int64, text: String) {
        #expect(BitcoinAmount.bitcoinText(satoshis: satoshis) == text)
        #expect(BitcoinAmount.satoshis(fromBitcoinText: text) == satoshis)
    }
}
