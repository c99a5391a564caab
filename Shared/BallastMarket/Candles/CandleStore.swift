import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `candles` and `candle_gaps_filled`.
enum CandleStore {
    /// Merges partial candles into `candles` in one statement, with the same rules as `Candle.merged(with:)`:
    /// volumes and counts add up, high and low widen, open and close follow the earliest and latest trade by
    /// (time, id), and a flat row (no trades) gives way to traded data. Ids compare as `TradeID` does: by length,
    /// then byte by byte (`octet_length(id)`, then `id COLLATE "C"`, whatever the database's locale). Rows are
    /// written in key order, so instances merging into the same candles at once wait for each other instead of
    /// deadlocking. Returns every merged row in its new state, for the live market streams.
    static func merge(
        _ candles: [CandleKey: Candle], on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [LiveCandle]
    {
        let sorted = candles.sorted {
            ($0.key.symbol, $0.key.interval.rawValue, $0.key.openTime) < ($1.key.symbol, $1.key.interval.rawValue, $1.key.openTime)
        }
        let keys = sorted.map(\.key)
        let values = sorted.map(\.value)
        let rows = try await connection.query(
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
            RETURNING c.symbol, c.interval, c.open_time, c.close_time, trim_scale(c.open)::text, trim_scale(c.high)::text,
                trim_scale(c.low)::text, trim_scale(c.close)::text, trim_scale(c.volume)::text,
                trim_scale(c.quote_volume)::text, c.trade_count, c.first_trade_id, c.last_trade_id
            """,
            logger: logger
        )
        return try await liveCandles(rows)
    }

    /// The candles of `rows` of (symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume,
    /// trade_count, first_trade_id, last_trade_id), decimals as `trim_scale(x)::text`.
    private static func liveCandles(_ rows: PostgresRowSequence) async throws -> [LiveCandle] {
        var candles: [LiveCandle] = []
        for try await row in rows.decode(
            (String, String, Int64, Int64, String, String, String, String, String, String, Int64, String?, String?).self
        ) {
            let (symbol, interval, openTime, closeTime, open, high, low, close, volume, quoteVolume, count, firstID, lastID) = row
            guard let interval = CandleInterval(rawValue: interval) else { continue }
            candles.append(
                LiveCandle(
                    symbol: symbol, interval: interval, openTime: openTime, closeTime: closeTime, open: open, high: high, low: low,
                    close: close, volume: volume, quoteVolume: quoteVolume, tradeCount: count, firstTradeID: firstID,
                    lastTradeID: lastID))
        }
        return candles
    }

    /// Every symbol's candles of `buckets` (an open time per interval), flat ones included.
    static func candles(
        ofBuckets buckets: [(interval: CandleInterval, openTime: Int64)], database: PostgresClient, logger: Logger
    ) async throws -> [LiveCandle] {
        guard !buckets.isEmpty else { return [] }
        // Symbol by symbol through the primary key (symbol, interval, open_time): no scan of the whole table.
        let rows = try await database.query(
            """
            SELECT c.symbol, c.interval, c.open_time, c.close_time, trim_scale(c.open)::text, trim_scale(c.high)::text,
                   trim_scale(c.low)::text, trim_scale(c.close)::text, trim_scale(c.volume)::text,
                   trim_scale(c.quote_volume)::text, c.trade_count, c.first_trade_id, c.last_trade_id
            FROM market_symbols s
            CROSS JOIN unnest(\(buckets.map(\.interval.rawValue))::text[], \(buckets.map(\.openTime))::int8[]) AS b(interval, open_time)
            JOIN candles c ON c.symbol = s.symbol AND c.interval = b.interval AND c.open_time = b.open_time
            """,
            logger: logger
        )
        return try await liveCandles(rows)
    }

    // MARK: Gap filling

    /// Holds the series' gap-filling lock until the transaction ends.
    static func lockSeries(symbol: String, interval: CandleInterval, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\("candles:\(symbol):\(interval.rawValue)"), 0))",
            logger: logger
        )
    }

    /// The last bucket the gap filler has filled in a series, and the series' first candle.
    static func gapFillProgress(
        symbol: String, interval: CandleInterval, on connection: PostgresConnection, logger: Logger
    ) async throws -> (filledThrough: Int64?, firstOpen: Int64?) {
        let rows = try await connection.query(
            """
            SELECT (SELECT through_open FROM candle_gaps_filled WHERE symbol = \(symbol) AND interval = \(interval.rawValue)),
                   (SELECT min(open_time) FROM candles WHERE symbol = \(symbol) AND interval = \(interval.rawValue))
            """,
            logger: logger
        )
        for try await progress in rows.decode((Int64?, Int64?).self) { return progress }
        return (nil, nil)
    }

    /// The closes of a series' candles from `start` through `end` by open time, and the close of the last
    /// candle before `start` (which seeds the first flat one).
    static func closes(
        symbol: String, interval: CandleInterval, from start: Int64, through end: Int64, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> (previous: String?, byOpenTime: [Int64: String]) {
        let rows = try await connection.query(
            """
            SELECT open_time, close::text FROM candles
            WHERE symbol = \(symbol) AND interval = \(interval.rawValue) AND open_time <= \(end)
              AND open_time >= (SELECT coalesce(max(open_time), \(start)) FROM candles
                                WHERE symbol = \(symbol) AND interval = \(interval.rawValue) AND open_time < \(start))
            ORDER BY open_time
            """,
            logger: logger
        )
        var closes: [Int64: String] = [:]
        var previous: String?
        for try await (openTime, close) in rows.decode((Int64, String).self) {
            if openTime < start { previous = close } else { closes[openTime] = close }
        }
        return (previous, closes)
    }

    /// Writes flat candles (open, high, low and close at `price`, no trades) where the series has none.
    static func insertFlat(
        _ flats: [(openTime: Int64, closeTime: Int64, price: String)], symbol: String, interval: CandleInterval,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
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

    /// Records that the gap filler has walked a series through bucket `openTime`.
    static func markGapsFilled(
        symbol: String, interval: CandleInterval, through openTime: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO candle_gaps_filled (symbol, interval, through_open) VALUES (\(symbol), \(interval.rawValue), \(openTime))
            ON CONFLICT (symbol, interval) DO UPDATE SET through_open = EXCLUDED.through_open
            """,
            logger: logger
        )
    }

    // MARK: Tickers

    /// The 1-minute candles with trades that opened after `openedAfter` and changed after `changedAfter` (epoch
    /// ms), each with its symbol and when it changed. A stored minute that does not fit `FixedDecimal`,
    /// `WideDecimal` or `TradeID` is logged and left out.
    static func tradedMinutes(
        openedAfter: Int64, changedAfter: Int64, database: PostgresClient, logger: Logger
    ) async throws -> [(symbol: String, candle: Candle, changedAt: Int64)] {
        let rows = try await database.query(
            """
            SELECT symbol, open_time, open::text, high::text, low::text, close::text, volume::text, quote_volume::text,
                   trade_count, first_trade_time, first_trade_id, last_trade_time, last_trade_id, last_quantity::text,
                   (extract(epoch FROM updated_at) * 1000)::int8
            FROM candles
            WHERE interval = '1m' AND trade_count > 0 AND open_time > \(openedAfter)
              AND updated_at > timestamptz 'epoch' + \(max(changedAfter, 0)) * interval '1 millisecond'
            """,
            logger: logger
        )
        var minutes: [(symbol: String, candle: Candle, changedAt: Int64)] = []
        for try await row in rows.decode(
            (String, Int64, String, String, String, String, String, String, Int64, Int64, String, Int64, String, String, Int64).self
        ) {
            let (
                symbol, openTime, open, high, low, close, volume, quoteVolume, count, firstTime, firstID, lastTime, lastID, lastQuantity,
                changedAt
            ) = row
            guard let open = FixedDecimal(open), let high = FixedDecimal(high), let low = FixedDecimal(low),
                let close = FixedDecimal(close), let volume = WideDecimal(volume), let quoteVolume = WideDecimal(quoteVolume),
                let lastQuantity = FixedDecimal(lastQuantity), let firstID = try? TradeID(firstID), let lastID = try? TradeID(lastID)
            else {
                logger.warning(
                    "a stored minute does not fit the ticker's decimals or trade ids; skipped", metadata: ["symbol": "\(symbol)"])
                continue
            }
            let candle = Candle(
                interval: .oneMinute, openTime: openTime, open: open, high: high, low: low, close: close, volume: volume,
                quoteVolume: quoteVolume, tradeCount: Int(count), firstTrade: TradeStamp(time: firstTime, id: firstID),
                lastTrade: TradeStamp(time: lastTime, id: lastID), lastQuantity: lastQuantity
            )
            minutes.append((symbol, candle, changedAt))
        }
        return minutes
    }
}
