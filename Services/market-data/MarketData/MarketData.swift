import BallastCore
import BallastMarket
import BallastRedis
import BallastScheduler
import BallastService
import BallastVenues
import ServiceLifecycle

/// Builds candles and last prices from the trades on `ballast:trades`, and publishes trades, klines and tickers
/// on the live market streams `ballast:market:<SYMBOL>`. Several instances share the stream through the
/// consumer group; their candle updates merge in Postgres. One instance per minute gives the buckets that
/// ended without trades their flat candle and publishes the candles that ended; one instance every 5 s writes
/// the 24 h tickers to Redis. With `BALLAST_KRAKEN_FEED_SYMBOLS` set, it also puts Kraken's trades of those symbols on
/// `ballast:trades` (`KrakenTradeFeed`), so candles and tickers follow the real market.
public enum MarketData {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let publisher = LiveMarketPublisher(redis: context.redis)
        let consumer = TradeConsumer(
            store: TradeStore(database: context.database, logger: context.logger), publisher: publisher, logger: context.logger)
        let gaps = CandleGapFiller(database: context.database, logger: context.logger)
        let tickers = TickerBook(database: context.database, redis: context.redis, logger: context.logger)
        var services: [any Service] = context.makeConsumers(of: StreamName.trades, handler: consumer)
        if let feed = try krakenTradeFeed(context) { services.append(feed) }
        return ServiceDefinition(
            services: services,
            consumedStreams: [StreamName.trades],
            jobs: [
                // A few seconds into the minute, so that trades of the minute that just ended are in.
                try Job("candles.fill-gaps", schedule: "5 * * * * *", timeout: .seconds(50)) { run in
                    let now = run.tick.epochMilliseconds
                    try await gaps.fill(now: now, run: run)
                    // Then every candle that ended since the last tick, as final, so that subscribers see it
                    // close even when no trade follows. A Redis failure costs them those frames, not the job.
                    do {
                        try await publisher.publishEnded(try await gaps.endedCandles(now: now), now: now)
                    } catch let error as RedisError {
                        context.logger.warning("cannot publish ended candles to Redis", metadata: ["error": .error(error)])
                    }
                },
                // Only the latest tick matters: a missed refresh is not worth catching up.
                try Job("tickers.refresh", schedule: "*/5 * * * * *", timeout: .seconds(4), catchUp: .skip) { run in
                    try await tickers.refresh(now: run.tick.epochMilliseconds, ttl: .seconds(15))
                },
                // Market trades older than BALLAST_RETENTION_TRADES_DAYS; candles are kept.
                try RetentionJobs.tradesPurge(context),
            ]
        )
    }

    /// The Kraken trade feed when `BALLAST_KRAKEN_FEED_SYMBOLS` names symbols; nil when it is unset. Every instance
    /// that runs it subscribes, and the feed's per-symbol last trade id in Redis keeps each trade on the stream once.
    static func krakenTradeFeed(
        _ context: ServiceContext, environment: EnvironmentReader = EnvironmentReader()
    ) throws(ConfigurationError)
        -> KrakenTradeFeed?
    {
        guard var configuration = try KrakenTradeFeedConfiguration.fromEnvironment(environment) else { return nil }
        configuration.streamMaxLength = context.configuration.streamMaxLength
        return KrakenTradeFeed(
            configuration: configuration, redis: context.redis, logger: context.logger, onEvent: KrakenFeedMetrics.record)
    }
}
