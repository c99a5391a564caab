import BallastChains
import Testing

@Suite("Ethereum addresses")
struct EthereumAddressTests {
    @Test("an address is 0x and 40 ASCII hex digits, kept in lower case")
    func accepted() throws {
        #expect(
            try EthereumAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7").lowercased == "0xdac17f958d2ee523a2206206994597c13d831ec7")
    }

    @Test(
        "anything else is refused, fullwidth digits included",
        arguments: [
            "0x" + String(repeating: "\u{FF10}", count: 40), "0xdAC17F958D2ee523a2206206994597C13D831ec",
            "dAC17F958D2ee523a2206206994597C13D831ec7",
            "0xgAC17F958D2ee523a2206206994597C13D831ec7", "",
        ])
    func refused(_ text: String) {
        #expect(throws: (any Error).self) { try EthereumAddress(text) }
    }
}
