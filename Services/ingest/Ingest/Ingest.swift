import BallastCore
import BallastPostgres
import BallastRedis
import BallastService
import BallastTrading
import Hummingbird
import Logging
import PostgresNIO

/// The public HTTP edge: webhooks and the management API (`/api/v1`).
public enum Ingest {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let configuration = try IngestConfiguration()
        let users = UserStore(database: context.database, logger: context.logger)
        let sources = SignalSourceStore(database: context.database, logger: context.logger)
        let rateLimiter =
            configuration.webhookRateLimit > 0
            ? WebhookRateLimiter(redis: context.redis, requestsPerMinute: configuration.webhookRateLimit, logger: context.logger)
            : nil
        let router = router(
            database: context.database, redis: context.redis, configuration: configuration, rateLimiter: rateLimiter,
            outboxWakeup: context.outboxWakeup, logger: context.logger)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(context.configuration.bindHost, port: context.configuration.publicPort)),
            logger: context.logger
        )
        let setup = DefaultSourceSetup(
            users: users,
            sources: sources,
            configuration: configuration,
            health: context.health,
            logger: context.logger
        )
        return ServiceDefinition(services: [application], setupSteps: [setup])
    }

    /// The router on these clients, as the executable serves it; tests build theirs here too, so the two cannot drift.
    public static func router(
        database: PostgresClient, redis: RedisClient, configuration: IngestConfiguration, rateLimiter: WebhookRateLimiter? = nil,
        outboxWakeup: Wakeup? = nil, logger: Logger
    ) -> Router<IngestRequestContext> {
        let candles = CandleReader(database: database, logger: logger)
        return buildRouter(
            signals: SignalStore(database: database, outboxWakeup: outboxWakeup, logger: logger),
            sources: SignalSourceStore(database: database, logger: logger),
            users: UserStore(database: database, logger: logger),
            candles: candles,
            tickers: TickerReader(redis: redis, candles: candles),
            trading: TradingBackend(
                queries: TradingQueryStore(database: database, logger: logger),
                actions: AccountActions(database: database, prices: MarketPrices(redis: redis), logger: logger),
                database: database,
                logger: logger
            ),
            configuration: configuration,
            rateLimiter: rateLimiter
        )
    }

    static func buildRouter(
        signals: SignalStore,
        sources: SignalSourceStore,
        users: UserStore,
        candles: CandleReader,
        tickers: TickerReader,
        trading: TradingBackend,
        configuration: IngestConfiguration,
        rateLimiter: WebhookRateLimiter? = nil
    ) -> Router<IngestRequestContext> {
        let router = Router(context: IngestRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        let sourceCache = SourceCache(store: sources)
        WebhookController(repository: signals, configuration: configuration, rateLimiter: rateLimiter, sources: sourceCache)
            .addRoutes(to: router.group("webhook"))
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(users: users))
        SourcesController(store: sources, cache: sourceCache).addRoutes(to: api.group("sources"))
        SignalsController(repository: signals).addRoutes(to: api.group("signals"))
        KlinesController(reader: candles).addRoutes(to: api.group("klines"))
        TickerController(reader: tickers).addRoutes(to: api.group("ticker"))
        AccountsController(trading: trading).addRoutes(to: api.group("accounts"))
        OrdersController(trading: trading).addRoutes(to: api.group("orders"))
        PositionsController(trading: trading).addRoutes(to: api.group("positions"))
        FillsController(trading: trading).addRoutes(to: api.group("fills"))
        RiskLimitsController(trading: trading).addRoutes(to: api.group("risk-limits"))
        OpenAPIDocument.addRoute(to: router)
        return router
    }
}
