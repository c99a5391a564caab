import BallastTestSupport
import PropertyBased
import Testing

@testable import BallastMarket

@Suite("Symbol catalogue: tickers to market symbols")
struct SymbolCatalogueTests {
    static let market = SymbolCatalogue(symbols: ["BTC-USD", "ETH-USD", "ETH-EUR", "SOL-USD", "BTCUSDT", "XTZUSD", "DOT/USD"])
    static let mapped = SymbolCatalogue(symbols: ["BTC-USD", "ETH-USD"], quoteAliases: ["USDT": "USD", "USDC": "USD"])

    @Test(
        "every TradingView ticker form finds its market",
        arguments: [
            ("BTCUSD", "BTC-USD"), ("btcusd", "BTC-USD"), ("COINBASE:BTCUSD", "BTC-USD"), ("KRAKEN:XBTUSD", "BTC-USD"),
            ("XBTUSD", "BTC-USD"), ("XXBTZUSD", "BTC-USD"), ("BTC/USD", "BTC-USD"), ("BTC_USD", "BTC-USD"), (" BTC-USD ", "BTC-USD"),
            ("ETHUSD", "ETH-USD"), ("XETHZEUR", "ETH-EUR"), ("ETH/ZEUR", "ETH-EUR"), ("XTZ-USD", "XTZUSD"), ("DOTUSD", "DOT/USD"),
            ("BINANCE:BTCUSDT", "BTCUSDT"), ("BTC/USDT", "BTCUSDT"), ("A:B:BTCUSD", "BTC-USD"),
        ]
    )
    func resolves(ticker: String, symbol: String) {
        #expect(Self.market.resolve(ticker) == .known(symbol))
    }

    @Test("an exact known symbol wins over another spelling of its pair, and over the quote mapping")
    func exactWins() {
        let catalogue = SymbolCatalogue(symbols: ["BTC-USD", "BTCUSD", "XBTUSD", "BTCUSDT"], quoteAliases: ["USDT": "USD"])
        #expect(catalogue.resolve("BTCUSD") == .known("BTCUSD"))
        #expect(catalogue.resolve("XBTUSD") == .known("XBTUSD"))
        #expect(catalogue.resolve("BTCUSDT") == .known("BTCUSDT"))
        #expect(catalogue.resolve("BTC/USD") == .known("BTC-USD"))
        // Two known spellings of one pair: the one read with a separator first.
        #expect(catalogue.resolve("XBT-USD") == .known("BTC-USD"))
    }

    @Test(
        "the quote mapping sends USDT and USDC tickers to the USD market; without it they stay unknown",
        arguments: [("BTCUSDT", "BTC-USD"), ("BINANCE:ETHUSDT", "ETH-USD"), ("BTC-USDC", "BTC-USD"), ("XBTUSDT", "BTC-USD")]
    )
    func quoteMapping(ticker: String, symbol: String) {
        #expect(Self.mapped.resolve(ticker) == .known(symbol))
        let plain = SymbolCatalogue(symbols: ["BTC-USD", "ETH-USD"])
        #expect(plain.resolve(ticker).symbol == nil)
    }

    @Test("with the mapping set, a ticker whose mapped market is missing still finds its own quote's market")
    func mappedQuoteFallsBack() {
        let catalogue = SymbolCatalogue(symbols: ["BTC-USDT"], quoteAliases: ["USDT": "USD"])
        #expect(catalogue.resolve("BTCUSDT") == .known("BTC-USDT"))
    }

    @Test("configured aliases add to the defaults and override them")
    func configuredAliases() {
        var aliases = SymbolCatalogue.defaultBaseAliases
        aliases["WBTC"] = "BTC"
        aliases["XBT"] = "XBT"
        let catalogue = SymbolCatalogue(symbols: ["BTC-USD", "XBT-USD"], baseAliases: aliases)
        #expect(catalogue.resolve("WBTCUSD") == .known("BTC-USD"))
        #expect(catalogue.resolve("XBTUSD") == .known("XBT-USD"))
        #expect(catalogue.resolve("XXBTZUSD") == .known("BTC-USD"))
    }

    @Test(
        "an unknown ticker says why and names at most 3 closest known symbols: same base, then same quote, then by spelling",
        arguments: [
            ("BINANCE:BTCUSDX", "no market data for BTCUSDX (ticker BINANCE:BTCUSDX); closest known: BTC-USD, BTCUSDT"),
            ("BTCUSDC", "no market data for BTCUSDC (read as BTC/USDC); closest known: BTC-USD, BTCUSDT"),
            ("XBTEUR", "no market data for XBTEUR (read as BTC/EUR); closest known: BTC-USD, BTCUSDT, ETH-EUR"),
            ("ETH", "no market data for ETH; closest known: ETH-EUR, ETH-USD"),
            ("KRAKEN:FOO", "no market data for FOO (ticker KRAKEN:FOO); market-data knows no similar symbol"),
            ("", "no market data for ''; market-data knows no similar symbol"),
        ]
    )
    func unknown(ticker: String, message: String) throws {
        guard case .unknown(let unknown) = Self.market.resolve(ticker) else {
            Issue.record("\(ticker) resolved")
            return
        }
        #expect(unknown.description == message)
    }

    @Test("without the USDT mapping, BTCUSDT names BTC-USD as its closest symbol")
    func unmappedSuggestsUSD() throws {
        let catalogue = SymbolCatalogue(symbols: ["BTC-USD", "ETH-USD", "SOL-EUR"])
        guard case .unknown(let unknown) = catalogue.resolve("BINANCE:BTCUSDT") else {
            Issue.record("BTCUSDT resolved")
            return
        }
        #expect(unknown.closest.first == "BTC-USD")
        #expect(unknown.pair == AssetPair(base: "BTC", quote: "USDT"))
    }

    @Test("no known symbols: every ticker is unknown, with no suggestion")
    func empty() {
        #expect(
            SymbolCatalogue(symbols: []).resolve("BTCUSD")
                == .unknown(
                    UnknownSymbol(ticker: "BTCUSD", symbol: "BTCUSD", pair: AssetPair(base: "BTC", quote: "USD"), closest: [])))
    }

    @Test(
        "symbols split at a separator, else before the longest known quote suffix; every suffix split is a candidate",
        arguments: [
            ("BTC-USD", ["BTC/USD"]), ("BTC_USD", ["BTC/USD"]), ("ETH/BTC", ["ETH/BTC"]), ("BTCUSDT", ["BTC/USDT"]),
            ("BTCJPY", ["BTC/JPY"]), ("BNBUSD", ["BNB/USD"]), ("SHIBUSD", ["SHIB/USD"]),
            ("BTCFDUSD", ["BTC/FDUSD", "BTCFD/USD"]), ("BTC-ETH-USD", []), ("-USD", []), ("USD", []), ("BTC", []),
            ("BTCXYZ", []),
        ]
    )
    func splits(symbol: String, expected: [String]) {
        #expect(AssetPair.splits(of: symbol).map(\.description) == expected)
    }

    @Test("BUSD is no default quote: BNBUSD and SHIBUSD are quoted in USD; BUSD tickers need a BUSD market or the mapping")
    func busdIsNoDefaultQuote() {
        let market = SymbolCatalogue(symbols: ["BNBUSD", "SHIBUSD", "ETH-USD"])
        #expect(market.pair(of: "BNBUSD") == AssetPair(base: "BNB", quote: "USD"))
        #expect(market.pair(of: "SHIBUSD") == AssetPair(base: "SHIB", quote: "USD"))
        #expect(market.resolve("BNB/USD") == .known("BNBUSD"))
        #expect(market.resolve("BINANCE:SHIB-USD") == .known("SHIBUSD"))
        #expect(market.resolve("BNBBUSD").symbol == nil)
        // A known market spelled with a separator makes its quote a suffix, BUSD included.
        #expect(SymbolCatalogue(symbols: ["BNB-BUSD"]).resolve("BNBBUSD") == .known("BNB-BUSD"))
        let mapped = SymbolCatalogue(symbols: ["ETH-USD", "BNB-USD"], quoteAliases: ["BUSD": "USD"])
        #expect(mapped.resolve("ETHBUSD") == .known("ETH-USD"))
        #expect(mapped.resolve("BNBBUSD") == .known("BNB-USD"))
    }

    @Test("the catalogue lists each known symbol's base and quote")
    func pairs() {
        #expect(Self.market.pair(of: "DOT/USD") == AssetPair(base: "DOT", quote: "USD"))
        #expect(Self.market.pair(of: "BTCUSDT") == AssetPair(base: "BTC", quote: "USDT"))
        #expect(Self.market.pair(of: "NOPE") == nil)
    }

    @Test("any text: the known symbol, or an unknown with a message and at most 3 known suggestions; never a trap")
    func hostileTickers() async {
        let catalogue = SymbolCatalogue(
            symbols: ["BTC-USD", "ETH-USD", "BTCUSDT", "A-B", "0-0", "-", "XTZUSD"], quoteAliases: ["USDT": "USD", "B": "USD"])
        await propertyCheck(count: 5_000, input: HostileText.generator) { text in
            switch catalogue.resolve(text) {
            case .known(let symbol): #expect(catalogue.symbols.contains(symbol))
            case .unknown(let unknown):
                #expect(unknown.closest.count <= 3)
                #expect(Set(unknown.closest).count == unknown.closest.count)
                #expect(unknown.closest.allSatisfy(catalogue.symbols.contains))
                #expect(unknown.description.utf8.starts(with: "no market data for ".utf8))
                #expect(unknown.description.unicodeScalars.count < 400)
            }
        }
    }
}
