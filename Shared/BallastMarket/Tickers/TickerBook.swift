import BallastCore
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Rolling 24 h tickers of every symbol, refreshed by the `tickers.refresh` job and cached in Redis as
/// `ballast:ticker:<SYMBOL>` (Binance's JSON) with a TTL of three refreshes.
///
/// The windows are built from the 1-minute candles in Postgres, never from trades: the first refresh on
/// an instance reads the last 24 h of minutes, later ones only the minutes changed since (with a margin
/// for transactions that committed late), each put in place of what the window held.
public final class TickerBook: Sendable {
    /// Minutes updated this long before the latest change seen are read again: a batch that began
    /// earlier can commit later than one that began after it.
    static let overlap: Int64 = 10_000

    private let database: PostgresClient
    private let redis: RedisClient
    private let logger: Logger
    private let state = Mutex<(windows: [String: TickerWindow], changedSince: Int64?)>(([:], nil))

    public init(database: PostgresClient, redis: RedisClient, logger: Logger) {
        self.database = database
        self.redis = redis
        self.logger = logger
    }

    /// Brings the windows up to date, then writes every symbol's ticker at `now` to Redis with `ttl`;
    /// returns the tickers written.
    @discardableResult
    public func refresh(now: Int64, ttl: Duration) async throws -> [Ticker] {
        let since = state.withLock { $0.changedSince }
        let minutes = try await changedMinutes(since: since, now: now)
        let tickers = state.withLock { state -> [Ticker] in
            for (symbol, candle, changedAt) in minutes {
                state.windows[symbol, default: TickerWindow(symbol: symbol)].replace(candle)
                state.changedSince = max(state.changedSince ?? .min, changedAt - Self.overlap)
            }
            return state.windows.values.compactMap { $0.ticker(at: now) }
        }
        guard !tickers.isEmpty else { return [] }
        let encoder = JSONEncoder()
        let milliseconds = String(ttl.wholeMilliseconds)
        let commands = try tickers.map { ticker in
            RedisCommand(
                "SET", MarketKeys.ticker(ticker.symbol), String(decoding: try encoder.encode(ticker), as: UTF8.self), "PX", milliseconds)
        }
        for reply in try await redis.pipeline(commands) { _ = try reply.checked() }
        return tickers
    }

    /// 1-minute candles with trades, of the last 24 h, changed since `since` (epoch ms; nil: all).
    private func changedMinutes(since: Int64?, now: Int64) async throws -> [(String, Candle, Int64)] {
        let oldest = now - TickerWindow.span - 60_000
        let changedAfter = since ?? .min
        let rows = try await database.query(
            """
            SELECT symbol, open_time, open::text, high::text, low::text, close::text, volume::text, quote_volume::text,
                   trade_count, first_trade_time, first_trade_id, last_trade_time, last_trade_id, last_quantity::text,
                   (extract(epoch FROM updated_at) * 1000)::int8
            FROM candles
            WHERE interval = '1m' AND trade_count > 0 AND open_time > \(oldest)
              AND updated_at > timestamptz 'epoch' + \(max(changedAfter, 0)) * interval '1 millisecond'
            """,
            logger: logger
        )
        var minutes: [(String, Candle, Int64)] = []
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
