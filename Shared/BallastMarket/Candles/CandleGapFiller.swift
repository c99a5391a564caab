import BallastPostgres
import BallastScheduler
import Logging
import PostgresNIO

/// Gives every bucket that has ended a candle: a bucket in which no trade came gets a flat one at the
/// previous close, with zero volume. Run by the `candles.fill-gaps` job, on one instance per tick.
///
/// It walks each (symbol, interval) from where its last run stopped (`candle_gaps_filled`) to the last
/// ended bucket, at most `maximumBuckets` per run, so a long outage is caught up over several runs. A
/// late trade that arrives afterwards merges into the flat candle and replaces it (`CandleStore.merge`).
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
        for symbol in try await TradeStore(database: database, logger: logger).symbols() {
            for interval in CandleInterval.allCases {
                written += try await fill(symbol: symbol, interval: interval, now: now, run: run)
            }
        }
        return written
    }

    /// Every symbol's candles whose bucket ended in the minute before `now` (epoch ms), flat ones included: after a
    /// `fill(now:)` of the same tick, the final state of each, to be published as closed klines.
    public func endedCandles(now: Int64) async throws -> [LiveCandle] {
        let buckets = CandleInterval.allCases.compactMap { interval -> (interval: CandleInterval, openTime: Int64)? in
            let lastEnded = interval.openTime(containing: interval.openTime(containing: now) - 1)
            return interval.closeTime(open: lastEnded) >= now - 60_000 ? (interval, lastEnded) : nil
        }
        return try await CandleStore.candles(ofBuckets: buckets, database: database, logger: logger)
    }

    private func fill(symbol: String, interval: CandleInterval, now: Int64, run: JobRun?) async throws -> Int {
        let lastEnded = interval.openTime(containing: interval.openTime(containing: now) - 1)
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            try await run?.holdFence(on: connection)
            // Serialises fillers of the same series; the job lock already keeps them apart.
            try await CandleStore.lockSeries(symbol: symbol, interval: interval, on: connection, logger: logger)
            let progress = try await CandleStore.gapFillProgress(symbol: symbol, interval: interval, on: connection, logger: logger)
            // The first bucket not known to be filled: after the last filled one, or the series' first candle.
            guard let start = progress.filledThrough.map(interval.nextOpenTime(after:)) ?? progress.firstOpen, start <= lastEnded
            else { return 0 }
            let closes = try await CandleStore.closes(
                symbol: symbol, interval: interval, from: start, through: lastEnded, on: connection, logger: logger)
            var previousClose = closes.previous
            var flats: [(openTime: Int64, closeTime: Int64, price: String)] = []
            var bucket = start
            var filledThrough = start
            while bucket <= lastEnded && flats.count < Self.maximumBuckets {
                if let close = closes.byOpenTime[bucket] {
                    previousClose = close
                } else if let price = previousClose {
                    flats.append((bucket, interval.closeTime(open: bucket), price))
                }
                filledThrough = bucket
                bucket = interval.nextOpenTime(after: bucket)
            }
            if !flats.isEmpty {
                try await CandleStore.insertFlat(flats, symbol: symbol, interval: interval, on: connection, logger: logger)
            }
            try await CandleStore.markGapsFilled(symbol: symbol, interval: interval, through: filledThrough, on: connection, logger: logger)
            return flats.count
        }
    }
}
