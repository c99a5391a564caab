import BallastCore
import BallastVenues
import Testing

/// The feed's settings as market-data reads them, and Ballast's symbols as Kraken's WebSocket v2 names them.
@Suite struct KrakenTradeFeedConfigurationTests {
    @Test(arguments: [
        ("BTC-USD", "BTC/USD"),
        ("eth-usd", "ETH/USD"),
        ("SOL-USDT", "SOL/USDT"),
        ("1INCH-EUR", "1INCH/EUR"),
    ])
    func pairOfASymbol(symbol: String, pair: String) throws {
        #expect(try KrakenWebSocketSymbol.pair(for: symbol) == pair)
        #expect(KrakenWebSocketSymbol.symbol(for: pair) == symbol.uppercased())
    }

    @Test(arguments: [
        ("BTCUSD", KrakenWebSocketSymbolError.notBaseQuote("BTCUSD")),
        ("BTC-USD-X", .notBaseQuote("BTC-USD-X")),
        ("-USD", .notBaseQuote("-USD")),
        ("BTC/USD", .notBaseQuote("BTC/USD")),
        ("BTC USD", .notASymbol("BTC USD")),
        ("XBT-USD", .krakenAssetName("XBT-USD")),
    ])
    func symbolsKrakenCannotHave(symbol: String, error: KrakenWebSocketSymbolError) {
        #expect(throws: error) { try KrakenWebSocketSymbol.pair(for: symbol) }
    }

    @Test("off when BALLAST_KRAKEN_FEED_SYMBOLS is unset or empty")
    func offByDefault() throws {
        #expect(try KrakenTradeFeedConfiguration.fromEnvironment(EnvironmentReader([:])) == nil)
        #expect(try KrakenTradeFeedConfiguration.fromEnvironment(EnvironmentReader(["BALLAST_KRAKEN_FEED_SYMBOLS": " "])) == nil)
    }

    @Test("symbols in order, duplicates once, Kraken's public endpoint unless another is set")
    func readsSymbolsAndURL() throws {
        let configuration = try #require(
            try KrakenTradeFeedConfiguration.fromEnvironment(EnvironmentReader(["BALLAST_KRAKEN_FEED_SYMBOLS": "BTC-USD, eth-usd,BTC-USD"]))
        )
        #expect(configuration.symbols.map(\.symbol) == ["BTC-USD", "ETH-USD"])
        #expect(configuration.symbols.map(\.pair) == ["BTC/USD", "ETH/USD"])
        #expect(configuration.url == "wss://ws.kraken.com/v2")
        #expect(configuration.stream == "ballast:trades")
        #expect(configuration.lastTradeIDsKey == "ballast:feeds:kraken:last-trade-id")
        let local = try #require(
            try KrakenTradeFeedConfiguration.fromEnvironment(
                EnvironmentReader(["BALLAST_KRAKEN_FEED_SYMBOLS": "BTC-USD", "BALLAST_KRAKEN_WS_URL": "ws://127.0.0.1:9200/v2"])))
        #expect(local.url == "ws://127.0.0.1:9200/v2")
    }

    @Test(arguments: [
        (["BALLAST_KRAKEN_FEED_SYMBOLS": "BTC-USD,,ETH-USD"], "BALLAST_KRAKEN_FEED_SYMBOLS", "comma-separated symbols"),
        (["BALLAST_KRAKEN_FEED_SYMBOLS": "BTCUSD"], "BALLAST_KRAKEN_FEED_SYMBOLS", "'BTCUSD' is not BASE-QUOTE"),
        (["BALLAST_KRAKEN_FEED_SYMBOLS": "XBT-USD"], "BALLAST_KRAKEN_FEED_SYMBOLS", "names bitcoin BTC"),
        (
            ["BALLAST_KRAKEN_FEED_SYMBOLS": "BTC-USD", "BALLAST_KRAKEN_WS_URL": "https://ws.kraken.com/v2"], "BALLAST_KRAKEN_WS_URL",
            "ws:// or wss://"
        ),
        (["BALLAST_KRAKEN_FEED_SYMBOLS": "BTC-USD", "BALLAST_KRAKEN_WS_URL": "kraken"], "BALLAST_KRAKEN_WS_URL", "ws:// or wss://"),
    ])
    func invalidSettingsAreRefusedByName(environment: [String: String], variable: String, reason: String) {
        #expect {
            try KrakenTradeFeedConfiguration.fromEnvironment(EnvironmentReader(environment))
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.reason.contains(reason)
        }
    }
}
