import BallastCore
import BallastRedis
import BallastService

/// Builds candles and last prices from the trades on `ballast:trades`. Several instances share the
/// stream through the consumer group; their candle updates merge in Postgres.
public enum MarketData {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        let consumer = TradeConsumer(
            store: TradeStore(database: context.database, logger: context.logger),
            prices: LastPrices(redis: context.redis),
            logger: context.logger
        )
        return ServiceDefinition(
            services: [context.makeConsumer(of: StreamName.trades, handler: consumer)],
            consumedStreams: [StreamName.trades]
        )
    }
}
