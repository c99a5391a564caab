import BallastVenues
import Testing

@Suite struct KrakenAssetNamesTests {
    @Test(arguments: [
        ("XXBT", "BTC"), ("XBT", "BTC"), ("XETH", "ETH"), ("ZUSD", "USD"), ("ZEUR", "EUR"), ("XXDG", "DOGE"), ("XDG", "DOGE"),
        ("XXRP", "XRP"), ("XLTC", "LTC"), ("ZGBP", "GBP"), ("ZJPY", "JPY"), ("SOL", "SOL"), ("USDT", "USDT"), ("DOT", "DOT"),
        // Newer assets whose own names start with X or Z keep them.
        ("ZETA", "ZETA"), ("XION", "XION"), ("XTZ", "XTZ"), ("ZRX", "ZRX"),
        ("xxbt", "BTC"),
    ])
    func krakenNamesBecomeBallasts(kraken: String, ballast: String) {
        #expect(KrakenAssetNames.ballastName(kraken) == ballast)
    }

    @Test(arguments: [
        ("XBT.F", true), ("DOT.S", true), ("USD.M", true), ("ETH.B", true), ("USD.HOLD", true), ("XXBT", false), ("ZUSD", false),
    ])
    func balancesOutsideTheSpotWalletAreRecognised(name: String, outside: Bool) {
        #expect(KrakenAssetNames.isOutsideSpotWallet(name) == outside)
    }
}
