import BallastMarket
import BallastService
import Logging
import PostgresNIO

/// Reads the candles market-data writes, for the klines API; with a `KlinesCache`, the route answers from Redis when it
/// can.
public struct CandleReader: Sendable {
    /// One candle as the API sends it: decimals as exact text.
    struct Row: Sendable, Equatable {
        var openTime: Int64
        var open: String
        var high: String
        var low: String
        var close: String
        var volume: String
        var closeTime: Int64
        var quoteVolume: String
        var tradeCount: Int64
    }

    let database: PostgresClient
    let logger: Logger
    let cache: KlinesCache?

    public init(database: PostgresClient, logger: Logger, cache: KlinesCache? = nil) {
        self.database = database
        self.logger = logger
        self.cache = cache
    }

    /// Whether market-data has ever seen a trade of `symbol`.
    func isKnown(_ symbol: String) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM market_symbols WHERE symbol = \(symbol)", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Every symbol market-data has seen a trade of, in order.
    func knownSymbols() async throws -> [String] {
        let rows = try await database.query("SELECT symbol FROM market_symbols ORDER BY symbol", logger: logger)
        var symbols: [String] = []
        for try await symbol in rows.decode(String.self) { symbols.append(symbol) }
        return symbols
    }

    /// Up to `query.limit` candles, oldest first: the first ones from `startTime`, otherwise the latest ones
    /// up to `endTime` (or now).
    func candles(_ query: KlinesQuery) async throws -> [Row] {
        let interval = query.interval.rawValue
        let start = query.startTime ?? 0
        let end = query.endTime ?? Int64.max
        let fromStart = query.startTime != nil
        let rows = try await database.query(
            """
            SELECT open_time, trim_scale(open)::text, trim_scale(high)::text, trim_scale(low)::text,
                   trim_scale(close)::text, trim_scale(volume)::text, close_time, trim_scale(quote_volume)::text, trade_count
            FROM candles
            WHERE symbol = \(query.symbol) AND interval = \(interval) AND open_time BETWEEN \(start) AND \(end)
            ORDER BY CASE WHEN \(fromStart) THEN open_time ELSE -open_time END
            LIMIT \(query.limit)
            """,
            logger: logger
        )
        var candles: [Row] = []
        for try await (openTime, open, high, low, close, volume, closeTime, quoteVolume, count) in rows.decode(
            (Int64, String, String, String, String, String, Int64, String, Int64).self
        ) {
            candles.append(
                Row(
                    openTime: openTime, open: open, high: high, low: low, close: close, volume: volume,
                    closeTime: closeTime, quoteVolume: quoteVolume, tradeCount: count
                )
            )
        }
        return fromStart ? candles : candles.reversed()
    }
}

extension ProblemDetails {
    /// A 400 for a symbol market-data has never seen a trade of.
    static func unknownSymbol(_ text: some StringProtocol) -> ProblemDetails {
        ProblemDetails(
            status: .badRequest,
            detail: "unknown symbol",
            invalidParams: [.init(name: "symbol", reason: "market-data has no trades of '\(text.prefix(64))'")]
        )
    }
}
