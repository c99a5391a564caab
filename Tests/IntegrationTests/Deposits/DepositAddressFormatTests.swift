import BallastChains
import BallastDeposits
import Testing

@Suite("Deposit address forms")
struct DepositAddressFormatTests {
    @Test(
        "Bitcoin base58 and bech32 addresses are accepted, bech32 in lower case",
        arguments: [
            ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
            ("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"),
        ])
    func bitcoin(_ text: String, _ stored: String) {
        #expect((try? DepositAddressFormat.normalized(text, kind: .bitcoin).get()) == stored)
    }

    @Test(
        "what is not a Bitcoin address is refused",
        arguments: [
            "", "bc1", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bc1qb1b1b1b1b1b1",
            "hello world",
        ])
    func notBitcoin(_ text: String) {
        #expect((try? DepositAddressFormat.normalized(text, kind: .bitcoin).get()) == nil)
    }

    @Test("Ethereum addresses are stored in lower case; others are refused")
    func ethereum() {
        #expect(
            (try? DepositAddressFormat.normalized("0xdAC17F958D2ee523a2206206994597C13D831ec7", kind: .ethereum).get())
                == "0xdac17f958d2ee523a2206206994597c13d831ec7")
        #expect((try? DepositAddressFormat.normalized("0xdAC17F", kind: .ethereum).get()) == nil)
        #expect((try? DepositAddressFormat.normalized("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", kind: .ethereum).get()) == nil)
    }
}
