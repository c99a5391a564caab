import BallastCore
import BallastMarket
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// TradingView tickers (`BTCUSD`, `KRAKEN:XBTUSD`, `BTCUSDT`) trade the market symbol market-data knows (`BTC-USD`).
/// The accounts trust the signal's price, so the tests need no last price in the Redis that parallel tests share.
@Suite("TradingView tickers resolved to market symbols, with real Postgres and Redis")
struct TickerResolutionTests {
    static func executor(_ fixture: PaperTradingFixture, environment: [String: String] = [:]) throws -> SignalExecutor {
        let settings = try SymbolCatalogueSettings(environment: EnvironmentReader(environment))
        return SignalExecutor(
            database: fixture.database, prices: MarketPrices(redis: fixture.redis), settings: ExecutionSettings(),
            symbols: KnownSymbols(database: fixture.database, settings: settings, logger: TestServers.logger), logger: TestServers.logger
        )
    }

    /// The signal filled: its order, fill and position are on `symbol`, and the account holds the base asset.
    static func expectFilled(_ outcome: SignalOutcome, on symbol: String, _ fixture: PaperTradingFixture) async throws {
        guard case .ordered(_, .filled) = outcome else {
            Issue.record("expected a fill, got \(outcome)")
            return
        }
        #expect(try await fixture.strings("SELECT symbol FROM orders WHERE status = 'filled'") == [symbol])
        #expect(try await fixture.strings("SELECT symbol FROM fills") == [symbol])
        #expect(try await fixture.strings("SELECT symbol FROM positions WHERE status = 'open'") == [symbol])
        #expect(try await fixture.balance("BTC").available == dec("0.5"))
    }

    @Test("a TradingView ticker BTCUSD fills on BTC-USD")
    func bareTicker() async throws {
        try await PaperTradingFixture.with(trustSignalPrice: true) { fixture in
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('BTC-USD')")
            let signal = fixture.signal("buy", quantity: "0.5", symbol: "BTCUSD", price: "50000", exchange: "COINBASE")
            try await Self.expectFilled(try await Self.executor(fixture).execute(signal), on: "BTC-USD", fixture)
        }
    }

    @Test("XBTUSD with a KRAKEN: prefix fills on BTC-USD")
    func krakenTicker() async throws {
        try await PaperTradingFixture.with(trustSignalPrice: true) { fixture in
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('BTC-USD'), ('ETH-USD')")
            let signal = fixture.signal("buy", quantity: "0.5", symbol: "XBTUSD", price: "50000", exchange: "KRAKEN")
            try await Self.expectFilled(try await Self.executor(fixture).execute(signal), on: "BTC-USD", fixture)
        }
    }

    @Test("BTCUSDT with USDT=USD fills on BTC-USD; without the mapping it is rejected naming BTC-USD as closest")
    func quoteMapping() async throws {
        try await PaperTradingFixture.with(trustSignalPrice: true) { fixture in
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('BTC-USD'), ('ETH-USD')")
            let unmapped = try await Self.executor(fixture).execute(
                fixture.signal("buy", quantity: "0.5", symbol: "BTCUSDT", price: "50000", exchange: "BINANCE"))
            guard case .rejected(let reasons) = unmapped else {
                Issue.record("expected a rejection, got \(unmapped)")
                return
            }
            let message = "no market data for BTCUSDT (ticker BINANCE:BTCUSDT, read as BTC/USDT); closest known: BTC-USD"
            #expect(reasons == [RiskViolation(rule: "unknown_symbol", message: message)])
            #expect(try await fixture.strings("SELECT symbol || ' ' || status FROM orders") == ["BTCUSDT rejected"])
            #expect(try await fixture.strings("SELECT reasons->0->>'message' FROM signal_decisions") == [message])

            let mapped = try await Self.executor(fixture, environment: ["BALLAST_QUOTE_ALIASES": "USDT=USD"]).execute(
                fixture.signal("buy", quantity: "0.5", symbol: "BTCUSDT", price: "50000", exchange: "BINANCE"))
            try await Self.expectFilled(mapped, on: "BTC-USD", fixture)
        }
    }

    @Test("a symbol market-data adds after the catalogue was loaded resolves at once: an unknown ticker reloads it")
    func reloadOnMiss() async throws {
        try await PaperTradingFixture.with(trustSignalPrice: true) { fixture in
            let symbols = KnownSymbols(
                database: fixture.database, settings: SymbolCatalogueSettings(), missRefreshInterval: .zero, logger: TestServers.logger)
            #expect(try await symbols.resolve(["BTCUSD"])["BTCUSD"]?.symbol == nil)
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('BTC-USD')")
            #expect(try await symbols.resolve(["BTCUSD"])["BTCUSD"] == .known("BTC-USD"))
            // A catalogue loaded less than `missRefreshInterval` ago is not reloaded by a miss.
            let patient = KnownSymbols(
                database: fixture.database, settings: SymbolCatalogueSettings(), missRefreshInterval: .seconds(3600),
                logger: TestServers.logger)
            _ = try await patient.current()
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('ETH-USD')")
            #expect(try await patient.resolve(["ETHUSD"])["ETHUSD"]?.symbol == nil)
            #expect(try await patient.reload().resolve("ETHUSD") == .known("ETH-USD"))
        }
    }
}
