import Testing

@testable import BallastTrading

@Suite("Instruments")
struct InstrumentTests {
    @Test(
        "a symbol splits into base and quote at a dash, a slash, an underscore or a known quote suffix (the longest)",
        arguments: [
            ("BTC-USD", "BTC", "USD"),
            ("BTC/USD", "BTC", "USD"),
            ("BTC_USD", "BTC", "USD"),
            ("ETH-BTC", "ETH", "BTC"),
            ("btc-usd", "btc", "usd"),
            ("BTCUSDT", "BTC", "USDT"),
            ("ETHUSDC", "ETH", "USDC"),
            ("BTCUSD", "BTC", "USD"),
            ("BTCEUR", "BTC", "EUR"),
            ("BTCJPY", "BTC", "JPY"),
            ("ETHGBP", "ETH", "GBP"),
            ("ETHBTC", "ETH", "BTC"),
            ("SOLETH", "SOL", "ETH"),
            ("XRP-USDT", "XRP", "USDT"),
        ]
    )
    func known(symbol: String, base: String, quote: String) throws {
        let instrument = try #require(Instrument(symbol: symbol))
        #expect(instrument == Instrument(symbol: "\(base)-\(quote)"))
        #expect(instrument.base == base)
        #expect(instrument.quote == quote)
    }

    @Test(
        "market symbols without a separator whose base ends in B are quoted in USD, not in the discontinued BUSD",
        arguments: [
            ("BNBUSD", "BNB", "USD"),
            ("SHIBUSD", "SHIB", "USD"),
            ("BTCUSDT", "BTC", "USDT"),
            ("ETH-USD", "ETH", "USD"),
        ]
    )
    func baseEndingInB(symbol: String, base: String, quote: String) throws {
        let instrument = try #require(Instrument(symbol: symbol))
        #expect(instrument.base == base)
        #expect(instrument.quote == quote)
    }

    @Test(
        "symbols without a separator or a known quote suffix, or with an empty side, are refused",
        arguments: ["", "BTC", "AAPL", "BTCXYZ", "USD", "USDT", "BTC-", "BTC/", "-", "/", "BTC-ETH-USD-X"]
    )
    func unknown(symbol: String) {
        #expect(Instrument(symbol: symbol) == nil)
    }

    /// A symbol with a separator that does not split it into two parts is malformed; the suffix fallback should not
    /// rescue it into a base such as "-" or "BTC-ETH-".
    @Test("malformed symbols with separators are not read by their quote suffix", arguments: ["-USD", "/USDT", "BTC-ETH-USD"])
    func malformedWithSeparator(symbol: String) {
        #expect(Instrument(symbol: symbol) == nil)
    }
}
