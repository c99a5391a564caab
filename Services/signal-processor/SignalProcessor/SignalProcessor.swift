import BallastCore
import BallastMarket
import BallastRedis
import BallastScheduler
import BallastService
import BallastTrading
import BallastVenues

/// Turns signals into risk-checked paper orders, fills and positions, as they arrive on `ballast:signals`.
/// Tickers are resolved to market symbols through `KnownSymbols` (`BALLAST_BASE_ALIASES`, `BALLAST_QUOTE_ALIASES`).
/// Market trades on `ballast:trades` (its own group) fill resting limit orders, trigger exits and mark
/// positions; a scheduler job expires orders.
public enum SignalProcessor {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let settings = ExecutionSettings(
            maxPriceAge: .seconds(try EnvironmentReader().integer("BALLAST_MAX_PRICE_AGE_SECONDS", default: 60, range: 1...86_400)),
            options: try OptionSettings(environment: EnvironmentReader())
        )
        let symbolSettings = try SymbolCatalogueSettings(environment: EnvironmentReader())
        let symbols = KnownSymbols(database: context.database, settings: symbolSettings, logger: context.logger)
        let executor = SignalExecutor(
            database: context.database, prices: MarketPrices(redis: context.redis), settings: settings,
            outboxWakeup: context.outboxWakeup, symbols: symbols, logger: context.logger
        )
        let signals = SignalConsumer(
            executor: executor, maxConcurrentUsers: context.configuration.consumer.concurrency, logger: context.logger)
        let trades = TradeWatcher(database: context.database, logger: context.logger)
        let expiry = OrderExpiry(database: context.database, logger: context.logger)
        let exchanges = try ExchangeVenues().connections(logger: context.logger)
        let dispatcher = VenueOrderDispatcher(
            database: context.database, redis: context.redis, connections: exchanges,
            settings: try VenueDispatchSettings(environment: EnvironmentReader()), alarms: context.alarms, logger: context.logger)
        let reconciler = VenueBalanceReconciler(database: context.database, connections: exchanges, logger: context.logger)
        let optionMarks = OptionMarks(
            database: context.database, prices: MarketPrices(redis: context.redis), settings: settings, logger: context.logger)
        let optionSettlement = OptionSettlement(database: context.database, settings: settings.options, logger: context.logger)
        let reconcileSchedule = try EnvironmentReader().cronSchedule("BALLAST_VENUE_RECONCILE_CRON", default: "*/5 * * * *")
        return ServiceDefinition(
            services: [
                context.makeConsumer(of: StreamName.signals, handler: signals),
                context.makeConsumer(of: StreamName.trades, handler: trades),
                dispatcher,
            ],
            consumedStreams: [StreamName.signals, StreamName.trades],
            jobs: [
                try Job(
                    "orders.expire", schedule: "*/10 * * * * *", timeout: .seconds(9), catchUp: .runOnce(startingDeadline: .seconds(3600))
                ) {
                    run in try await expiry.expire(now: run.tick, run: run)
                },
                // Option positions at the model's premium from the underlying's last price.
                try Job("options.mark", schedule: "*/30 * * * * *", timeout: .seconds(25)) { run in
                    try await optionMarks.markAll(now: run.tick)
                },
                // Option positions settled at expiry, each once; a missing price at expiry waits for a later run.
                try Job(
                    "options.settle", schedule: "*/15 * * * * *", timeout: .seconds(60),
                    catchUp: .runOnce(startingDeadline: .seconds(86_400))
                ) {
                    run in _ = try await optionSettlement.settleDue(now: run.tick)
                },
                // Exchange accounts' balances against their ledgers: a difference is reported, never corrected.
                try Job("venues.reconcile", schedule: reconcileSchedule, timeout: .seconds(120)) { run in
                    try await reconciler.reconcileAll(now: run.tick)
                },
            ]
        )
    }
}
