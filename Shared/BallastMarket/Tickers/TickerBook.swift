import BallastCore
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Rolling 24 h tickers of every symbol, refreshed by the `tickers.refresh` job and cached in Redis as
/// `ballast:ticker:<SYMBOL>` (Binance's JSON) with a TTL of three refreshes; each refresh also puts every symbol's
/// `ticker` and `miniTicker` frames on its live market stream (`LiveMarketPublisher`).
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

    /// Brings the windows up to date, then writes every symbol's ticker at `now` to Redis with `ttl` and
    /// publishes it on the symbol's live market stream, in one round trip; returns the tickers written.
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
        var commands = try tickers.map { ticker in
            RedisCommand(
                "SET", MarketKeys.ticker(ticker.symbol), String(decoding: try encoder.encode(ticker), as: UTF8.self), "PX", milliseconds)
        }
        commands += LiveMarketPublisher.commands(for: tickers, now: now)
        for reply in try await redis.pipeline(commands) { _ = try reply.checked() }
        return tickers
    }

    /// 1-minute candles with trades, of the last 24 h, changed since `since` (epoch ms; nil: all).
    private func changedMinutes(since: Int64?, now: Int64) async throws -> [(symbol: String, candle: Candle, changedAt: Int64)] {
        try await CandleStore.tradedMinutes(
            openedAfter: now - TickerWindow.span - 60_000, changedAfter: since ?? .min, database: database, logger: logger)
    }
}
