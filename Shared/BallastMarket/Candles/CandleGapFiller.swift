import BallastPostgres
import BallastScheduler
import Logging
import PostgresNIO

/// Gives every bucket that has ended a candle: a bucket in which no trade came gets a flat one at the
/// previous close, with zero volume. Run by the `candles.fill-gaps` job, on one instance per tick.
///
/// It walks each (symbol, interval) from where its last run stopped (`candle_gaps_filled`) to the last
/// ended bucket, at most `maximumBuckets` per run, so a long outage is caught up over several runs. A
/// late trade that arrives afterwards merges into the flat candle and replaces it (`CandleUpsert`).
public struct CandleGapFiller: Sendable {
    static let maximumBuckets = 10_000

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Fills the gaps of every symbol and interval up to the buckets ended before `now` (epoch ms);
    /// returns how many flat candles it wrote. With `run`, each series' transaction holds the run's fence.
    @discardableResult
    public func fill(now: Int64, run: JobRun? = nil) async throws -> Int {
        var written = 0
        for symbol in try await symbols() {
            for interval in CandleInterval.allCases {
                written += try await fill(symbol: symbol, interval: interval, now: now, run: run)
            }
        }
        return written
    }

    private func symbols() async throws -> [String] {
        let rows = try await database.query("SELECT symbol FROM market_symbols ORDER BY symbol", logger: logger)
        var symbols: [String] = []
        for try await symbol in rows.decode(String.self) { symbols.append(symbol) }
        return symbols
    }

    private func fill(symbol: String, interval: CandleInterval, now: Int64, run: JobRun?) async throws -> Int {
        let lastEnded = interval.openTime(containing: interval.openTime(containing: now) - 1)
        return try await database.transaction(logger: logger) { connection in
            try await run?.holdFence(on: connection)
            // Serialises fillers of the same series; the job lock already keeps them apart.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\("candles:\(symbol):\(interval.rawValue)"), 0))",
                logger: logger
            )
            let start = try await startOpen(symbol: symbol, interval: interval, on: connection)
            guard let start, start <= lastEnded else { return 0 }
            // The existing candles from the bucket before `start` (its close seeds the first flat one).
            let rows = try await connection.query(
                """
                SELECT open_time, close::text FROM candles
                WHERE symbol = \(symbol) AND interval = \(interval.rawValue) AND open_time <= \(lastEnded)
                  AND open_time >= (SELECT coalesce(max(open_time), \(start)) FROM candles
                                    WHERE symbol = \(symbol) AND interval = \(interval.rawValue) AND open_time < \(start))
                ORDER BY open_time
                """,
                logger: logger
            )
            var closes: [Int64: String] = [:]
            var previousClose: String?
            for try await (openTime, close) in rows.decode((Int64, String).self) {
                if openTime < start { previousClose = close } else { closes[openTime] = close }
            }
            var flats: [(openTime: Int64, closeTime: Int64, price: String)] = []
            var bucket = start
            var filledThrough = start
            while bucket <= lastEnded && flats.count < Self.maximumBuckets {
                if let close = closes[bucket] {
                    previousClose = close
                } else if let price = previousClose {
                    flats.append((bucket, interval.closeTime(open: bucket), price))
                }
                filledThrough = bucket
                bucket = interval.nextOpenTime(after: bucket)
            }
            if !flats.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO candles (symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trade_count)
                    SELECT \(symbol), \(interval.rawValue), open_time, close_time, price, price, price, price, 0, 0, 0
                    FROM unnest(\(flats.map(\.openTime))::int8[], \(flats.map(\.closeTime))::int8[], \(flats.map(\.price))::numeric[])
                        AS f(open_time, close_time, price)
                    ON CONFLICT (symbol, interval, open_time) DO NOTHING
                    """,
                    logger: logger
                )
            }
            try await connection.query(
                """
                INSERT INTO candle_gaps_filled (symbol, interval, through_open) VALUES (\(symbol), \(interval.rawValue), \(filledThrough))
                ON CONFLICT (symbol, interval) DO UPDATE SET through_open = EXCLUDED.through_open
                """,
                logger: logger
            )
            return flats.count
        }
    }

    /// The first bucket not known to be filled: after the last filled one, or the series' first candle.
    private func startOpen(symbol: String, interval: CandleInterval, on connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            """
            SELECT (SELECT through_open FROM candle_gaps_filled WHERE symbol = \(symbol) AND interval = \(interval.rawValue)),
                   (SELECT min(open_time) FROM candles WHERE symbol = \(symbol) AND interval = \(interval.rawValue))
            """,
            logger: logger
        )
        for try await (through, first) in rows.decode((Int64?, Int64?).self) {
            if let through { return interval.nextOpenTime(after: through) }
            return first
        }
        return nil
    }
}
