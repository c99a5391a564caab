import BallastMarket
import Foundation
import Logging
import PostgresNIO

/// Reads market-data's recent closed candles for the `confirmed` engine, before the account is locked.
enum CandleHistory {
    /// The last `count` candles of `symbol` and `interval` closed before `now`, oldest first.
    static func recent(
        symbol: String, interval: CandleInterval, count: Int, before now: Date, on database: PostgresClient, logger: Logger
    ) async throws -> CandleSeries {
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1_000).rounded(.down))
        let rows = try await database.query(
            """
            SELECT high::float8, low::float8, close::float8 FROM (
                SELECT open_time, high, low, close FROM candles
                WHERE symbol = \(symbol) AND interval = \(interval.rawValue) AND close_time < \(nowMilliseconds)
                ORDER BY open_time DESC
                LIMIT \(count)
            ) recent
            ORDER BY open_time
            """,
            logger: logger)
        var series = CandleSeries()
        for try await (high, low, close) in rows.decode((Double, Double, Double).self) {
            series.highs.append(high)
            series.lows.append(low)
            series.closes.append(close)
        }
        return series
    }
}
