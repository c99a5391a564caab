import Logging
import PostgresNIO

/// Merges partial candles into `candles` in one statement, with the same rules as `Candle.merged(with:)`:
/// volumes and counts add up, high and low widen, open and close follow the earliest and latest trade by
/// (time, id), and a flat row (no trades) gives way to traded data. Ids compare as `TradeID` does: by length, then
/// byte by byte (`octet_length(id)`, then `id COLLATE "C"`, whatever the database's locale). Rows are written in key order, so
/// instances merging into the same candles at once wait for each other instead of deadlocking.
enum CandleUpsert {
    static func merge(_ candles: [CandleKey: Candle], on connection: PostgresConnection, logger: Logger) async throws {
        let sorted = candles.sorted {
            ($0.key.symbol, $0.key.interval.rawValue, $0.key.openTime) < ($1.key.symbol, $1.key.interval.rawValue, $1.key.openTime)
        }
        let keys = sorted.map(\.key)
        let values = sorted.map(\.value)
        try await connection.query(
            """
            INSERT INTO candles AS c (
                symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trade_count,
                first_trade_time, first_trade_id, last_trade_time, last_trade_id, last_quantity
            )
            SELECT * FROM unnest(
                \(keys.map(\.symbol))::text[], \(keys.map(\.interval.rawValue))::text[], \(keys.map(\.openTime))::int8[],
                \(values.map(\.closeTime))::int8[], \(values.map { "\($0.open)" })::numeric[], \(values.map { "\($0.high)" })::numeric[],
                \(values.map { "\($0.low)" })::numeric[], \(values.map { "\($0.close)" })::numeric[],
                \(values.map { "\($0.volume)" })::numeric[], \(values.map { "\($0.quoteVolume)" })::numeric[],
                \(values.map { Int64($0.tradeCount) })::int8[], \(values.map(\.firstTrade.time))::int8[],
                \(values.map(\.firstTrade.id.description))::text[], \(values.map(\.lastTrade.time))::int8[],
                \(values.map(\.lastTrade.id.description))::text[],
                \(values.map { "\($0.lastQuantity)" })::numeric[]
            )
            ON CONFLICT (symbol, interval, open_time) DO UPDATE SET
                open = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.first_trade_time, octet_length(EXCLUDED.first_trade_id), EXCLUDED.first_trade_id COLLATE "C")
                        < (c.first_trade_time, octet_length(c.first_trade_id), c.first_trade_id COLLATE "C")
                    THEN EXCLUDED.open ELSE c.open END,
                first_trade_time = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.first_trade_time, octet_length(EXCLUDED.first_trade_id), EXCLUDED.first_trade_id COLLATE "C")
                        < (c.first_trade_time, octet_length(c.first_trade_id), c.first_trade_id COLLATE "C")
                    THEN EXCLUDED.first_trade_time ELSE c.first_trade_time END,
                first_trade_id = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.first_trade_time, octet_length(EXCLUDED.first_trade_id), EXCLUDED.first_trade_id COLLATE "C")
                        < (c.first_trade_time, octet_length(c.first_trade_id), c.first_trade_id COLLATE "C")
                    THEN EXCLUDED.first_trade_id ELSE c.first_trade_id END,
                close = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.last_trade_time, octet_length(EXCLUDED.last_trade_id), EXCLUDED.last_trade_id COLLATE "C")
                        > (c.last_trade_time, octet_length(c.last_trade_id), c.last_trade_id COLLATE "C")
                    THEN EXCLUDED.close ELSE c.close END,
                last_quantity = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.last_trade_time, octet_length(EXCLUDED.last_trade_id), EXCLUDED.last_trade_id COLLATE "C")
                        > (c.last_trade_time, octet_length(c.last_trade_id), c.last_trade_id COLLATE "C")
                    THEN EXCLUDED.last_quantity ELSE c.last_quantity END,
                last_trade_time = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.last_trade_time, octet_length(EXCLUDED.last_trade_id), EXCLUDED.last_trade_id COLLATE "C")
                        > (c.last_trade_time, octet_length(c.last_trade_id), c.last_trade_id COLLATE "C")
                    THEN EXCLUDED.last_trade_time ELSE c.last_trade_time END,
                last_trade_id = CASE WHEN c.trade_count = 0
                    OR (EXCLUDED.last_trade_time, octet_length(EXCLUDED.last_trade_id), EXCLUDED.last_trade_id COLLATE "C")
                        > (c.last_trade_time, octet_length(c.last_trade_id), c.last_trade_id COLLATE "C")
                    THEN EXCLUDED.last_trade_id ELSE c.last_trade_id END,
                high = CASE WHEN c.trade_count = 0 THEN EXCLUDED.high ELSE greatest(c.high, EXCLUDED.high) END,
                low = CASE WHEN c.trade_count = 0 THEN EXCLUDED.low ELSE least(c.low, EXCLUDED.low) END,
                volume = c.volume + EXCLUDED.volume,
                quote_volume = c.quote_volume + EXCLUDED.quote_volume,
                trade_count = c.trade_count + EXCLUDED.trade_count,
                updated_at = clock_timestamp()
            """,
            logger: logger
        )
    }
}
