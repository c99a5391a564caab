import BallastCore
import BallastRedis

/// Puts market-data's results on the live market streams (`ballast:market:<SYMBOL>`), where ingest's WebSocket
/// instances read them: a committed batch's trades and candles, the candles that ended, the 24 h tickers. Each
/// publication that changes candles also increments the symbol's klines version (`MarketKeys.klinesVersion`), so
/// cached `GET /api/v1/klines` answers of that symbol are no longer found.
///
/// Publishing follows the commit and is never retried by redelivery: what was committed is in Postgres, and a lost
/// entry costs subscribers a frame, not the data.
public struct LiveMarketPublisher: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// Publishes a committed batch in one round trip, with the last prices: per symbol, one entry of its new trades in
    /// (time, id) order, then per interval the newest candle the batch changed; and the symbol's new klines version.
    public func publish(_ recorded: RecordedTrades, now: Int64) async throws(RedisError) {
        guard !recorded.isEmpty else { return }
        let commands = LastPrices.commands(for: recorded.trades) + Self.commands(for: recorded, now: now)
        for reply in try await redis.pipeline(commands) { try reply.checked() }
    }

    /// Publishes `candles` (of buckets that ended before `now`) as final klines, `x` true: one entry per symbol, its
    /// candles in interval order, and the symbol's new klines version (flat candles are new rows too).
    public func publishEnded(_ candles: [LiveCandle], now: Int64) async throws(RedisError) {
        guard !candles.isEmpty else { return }
        var entries: [String: LiveMarketEntry] = [:]
        for candle in Self.ordered(candles) {
            entries[candle.symbol, default: LiveMarketEntry(symbol: candle.symbol)].append(
                LiveMarketEntry.klineField(candle.interval), LiveMarketPayload.kline(candle, eventTime: now, isClosed: true))
        }
        var commands: [RedisCommand] = []
        for symbol in entries.keys.sorted() {
            commands.append(entries[symbol]!.command)
            commands.append(RedisCommand("INCR", MarketKeys.klinesVersion(symbol)))
        }
        for reply in try await redis.pipeline(commands) { try reply.checked() }
    }

    /// The entries of a committed batch and the klines version increments, one of each per symbol.
    static func commands(for recorded: RecordedTrades, now: Int64) -> [RedisCommand] {
        var trades: [String: [Trade]] = [:]
        for trade in recorded.trades { trades[trade.symbol, default: []].append(trade) }
        // Per symbol and interval, the newest bucket: the one subscribers watch. An older bucket the batch touched
        // (the minute that just turned, a late trade) gets its final frame from `publishEnded`.
        var newest: [CandleSlot: LiveCandle] = [:]
        for candle in recorded.candles {
            let slot = CandleSlot(symbol: candle.symbol, interval: candle.interval)
            if let known = newest[slot], known.openTime >= candle.openTime { continue }
            newest[slot] = candle
        }
        var commands: [RedisCommand] = []
        commands.reserveCapacity(2 * trades.count)
        for symbol in trades.keys.sorted() {
            var entry = LiveMarketEntry(symbol: symbol)
            for trade in trades[symbol]!.sorted(by: { $0.stamp < $1.stamp }) {
                entry.append(LiveMarketEntry.tradeField, LiveMarketPayload.trade(trade, eventTime: now))
            }
            for interval in CandleInterval.allCases {
                guard let candle = newest[CandleSlot(symbol: symbol, interval: interval)] else { continue }
                entry.append(
                    LiveMarketEntry.klineField(interval),
                    LiveMarketPayload.kline(candle, eventTime: now, isClosed: candle.closeTime < now))
            }
            commands.append(entry.command)
            commands.append(RedisCommand("INCR", MarketKeys.klinesVersion(symbol)))
        }
        return commands
    }

    /// One entry per ticker with its `ticker` and `miniTicker` frames.
    static func commands(for tickers: [Ticker], now: Int64) -> [RedisCommand] {
        tickers.map { ticker in
            var entry = LiveMarketEntry(symbol: ticker.symbol)
            entry.append(LiveMarketEntry.tickerField, LiveMarketPayload.ticker(ticker, eventTime: now))
            entry.append(LiveMarketEntry.miniTickerField, LiveMarketPayload.miniTicker(ticker, eventTime: now))
            return entry.command
        }
    }

    /// Candles by symbol, then interval in `CandleInterval` order, then open time.
    static func ordered(_ candles: [LiveCandle]) -> [LiveCandle] {
        let rank = Dictionary(uniqueKeysWithValues: CandleInterval.allCases.enumerated().map { ($1, $0) })
        return candles.sorted {
            ($0.symbol, rank[$0.interval]!, $0.openTime) < ($1.symbol, rank[$1.interval]!, $1.openTime)
        }
    }

    private struct CandleSlot: Hashable {
        let symbol: String
        let interval: CandleInterval
    }
}
