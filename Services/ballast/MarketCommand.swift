import ArgumentParser
import BallastCore
import BallastMarket
import Foundation

struct MarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Market data sources.",
        subcommands: [Simulate.self, Symbols.self]
    )

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish simulated trades to ballast:trades until stopped (Ctrl-C).",
            discussion: """
                Each symbol's price is a seeded random walk: the same --seed gives the same prices and sides. \
                Trade ids start at the start time in microseconds, so runs never reuse one.
                """
        )

        @Option(help: "Comma-separated symbols, e.g. BTC-USD,ETH-USD.")
        var symbols = "BTC-USD,ETH-USD,SOL-USD"

        @Option(help: "Trades per second, all symbols together (1 to 100000).")
        var rate = 20

        @Option(help: "Seed of the random walk.")
        var seed: UInt64 = 1

        func validate() throws {
            guard (1...100_000).contains(rate) else { throw ValidationError("--rate must be between 1 and 100000") }
            guard !symbolList.isEmpty, symbolList.allSatisfy({ MarketSymbol.normalized($0) != nil }) else {
                throw ValidationError("--symbols takes symbols such as BTC-USD,ETH-USD")
            }
        }

        var symbolList: [String] { symbols.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

        func run() async throws {
            let producer = try makeStreamProducer()
            var market = SimulatedMarket(
                symbols: symbolList.compactMap(MarketSymbol.normalized),
                seed: seed,
                firstTradeID: UInt64(clamping: Date().epochMilliseconds * 1_000)
            )
            let perTick = max(1, rate / 10)
            let tick = Duration.seconds(1) * perTick / rate
            print("publishing about \(rate) trades/s of \(symbolList.joined(separator: ", ")) to \(StreamName.trades); Ctrl-C stops")
            while !Task.isCancelled {
                let now = Date().epochMilliseconds
                let batch = (0..<perTick).map { _ in TradeMessage.envelope(for: market.nextTrade(at: now)) }
                do {
                    _ = try await producer.publish(batch.map { (StreamName.trades, $0) })
                } catch {
                    throw CommandFailure.exit("cannot publish to Redis: \(error)", code: 1)
                }
                try await Task.sleep(for: tick)
            }
        }
    }

    struct Symbols: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the symbols market-data knows with their base and quote, or show what tickers resolve to.",
            discussion: """
                With tickers (e.g. KRAKEN:XBTUSD BTCUSDT), prints the market symbol each one trades, or why none, as \
                signal-processor would with the same BALLAST_BASE_ALIASES and BALLAST_QUOTE_ALIASES.
                """
        )

        @Argument(help: "Tickers to resolve, e.g. COINBASE:BTCUSD.")
        var tickers: [String] = []

        func run() async throws {
            let settings: SymbolCatalogueSettings
            do {
                settings = try SymbolCatalogueSettings(environment: EnvironmentReader())
            } catch {
                throw CommandFailure.exit("invalid configuration: \(error)", code: 2)
            }
            let catalogue = try await withDatabase { client, logger in
                try await KnownSymbols(database: client, settings: settings, logger: logger).reload()
            }
            guard tickers.isEmpty else {
                for ticker in tickers {
                    switch catalogue.resolve(ticker) {
                    case .known(let symbol): print("\(ticker) \(symbol)")
                    case .unknown(let unknown): print("\(ticker) - \(unknown)")
                    }
                }
                return
            }
            for symbol in catalogue.symbols {
                let pair = catalogue.pair(of: symbol)
                print("\(symbol) \(pair?.base ?? "-") \(pair?.quote ?? "-")")
            }
        }
    }
}
