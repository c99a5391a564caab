import BallastCore
import BallastDeposits
import BallastPortfolios
import BallastPostgres
import BallastRedis
import BallastScheduler
import BallastService
import BallastTrading
import BallastUsers
import BallastWebhooks
import Hummingbird
import HummingbirdWebSocket
import Logging
import PostgresNIO

/// The public HTTP edge: webhooks and the management API (`/api/v1`).
public enum Ingest {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let configuration = try IngestConfiguration()
        let webhookSettings = try WebhookSettings()
        let users = UserStore(database: context.database, logger: context.logger)
        let sources = SignalSourceStore(database: context.database, logger: context.logger)
        let rateLimiter =
            configuration.webhookRateLimit > 0
            ? WebhookRateLimiter(redis: context.redis, requestsPerMinute: configuration.webhookRateLimit, logger: context.logger)
            : nil
        // Made after everything that can throw, so that a client is never left without its shutdown.
        let live = LiveStreams(
            redis: context.redis, database: context.database, settings: configuration.live, symbols: configuration.symbols,
            logger: context.logger)
        let webhookClient = WebhookSender.makeHTTPClient(settings: webhookSettings)
        let router = router(
            database: context.database, redis: context.redis, configuration: configuration, webhookSettings: webhookSettings,
            webhookSender: WebhookSender(httpClient: webhookClient, settings: webhookSettings), rateLimiter: rateLimiter,
            outboxWakeup: context.outboxWakeup, live: live, logger: context.logger)
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: live.serverConfiguration), shouldUpgrade: live.shouldUpgrade),
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
        // First, so that it stops last: a group stops its services in reverse order, and test sends use the client.
        return ServiceDefinition(
            // The live feed last, so that it stops first: it closes the WebSocket clients with 1001 after their queued
            // frames, before the HTTP server would close them itself.
            services: [HTTPClientShutdown(client: webhookClient), application, live.feed(redis: context.redis)], setupSteps: [setup])
    }

    /// The router on these clients, as the executable serves it; tests build theirs here too, so the two cannot drift.
    /// `webhookSender` makes the attempts of `POST /api/v1/webhooks/{id}/test`; its HTTP client belongs to the caller.
    /// `live` answers the WebSocket paths of requests that were not upgraded; one of its own when nil.
    public static func router(
        database: PostgresClient, redis: RedisClient, configuration: IngestConfiguration, webhookSettings: WebhookSettings,
        webhookSender: WebhookSender, rateLimiter: WebhookRateLimiter? = nil, outboxWakeup: Wakeup? = nil, live: LiveStreams? = nil,
        logger: Logger
    ) -> Router<IngestRequestContext> {
        let live =
            live
            ?? LiveStreams(redis: redis, database: database, settings: configuration.live, symbols: configuration.symbols, logger: logger)
        let candles = CandleReader(database: database, logger: logger, cache: KlinesCache(redis: redis, logger: logger))
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
            webhooks: WebhookEndpointsController(
                endpoints: WebhookEndpointStore(database: database, logger: logger),
                deliveries: WebhookDeliveryStore(database: database, logger: logger),
                settings: webhookSettings,
                sender: webhookSender
            ),
            scheduler: JobStore(database: database, logger: logger),
            portfolios: PortfoliosController(
                portfolios: PortfolioStore(database: database, logger: logger),
                runs: RebalanceRunStore(database: database, logger: logger),
                valuer: PortfolioValuer(database: database, prices: MarketPrices(redis: redis), logger: logger),
                accounts: PaperAccountStore(database: database, logger: logger),
                maxPriceAge: configuration.rebalanceMaxPriceAge
            ),
            deposits: DepositStore(database: database, logger: logger),
            depositAddresses: DepositAddressStore(database: database, logger: logger),
            configuration: configuration,
            rateLimiter: rateLimiter,
            live: live
        )
    }

    static func buildRouter(
        signals: SignalStore,
        sources: SignalSourceStore,
        users: UserStore,
        candles: CandleReader,
        tickers: TickerReader,
        trading: TradingBackend,
        webhooks: WebhookEndpointsController,
        scheduler: JobStore,
        portfolios: PortfoliosController,
        deposits: DepositStore,
        depositAddresses: DepositAddressStore,
        configuration: IngestConfiguration,
        rateLimiter: WebhookRateLimiter? = nil,
        live: LiveStreams
    ) -> Router<IngestRequestContext> {
        let router = Router(context: IngestRequestContext.self)
        // Outermost, so that preflights are answered before authentication and problem responses get the headers too.
        if let cors = configuration.cors { router.add(middleware: CORSPolicyMiddleware(policy: cors)) }
        router.add(middleware: ProblemMiddleware())
        let sourceCache = SourceCache(store: sources)
        WebhookController(repository: signals, configuration: configuration, rateLimiter: rateLimiter, sources: sourceCache)
            .addRoutes(to: router.group("webhook"))
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(users: users))
        SourcesController(store: sources, cache: sourceCache).addRoutes(to: api.group("sources"))
        SourceEnginesController(store: sources, cache: sourceCache).addRoutes(to: api.group("sources"))
        SignalsController(repository: signals).addRoutes(to: api.group("signals"))
        KlinesController(reader: candles).addRoutes(to: api.group("klines"))
        TickerController(reader: tickers).addRoutes(to: api.group("ticker"))
        AccountsController(trading: trading).addRoutes(to: api.group("accounts"))
        OrdersController(trading: trading).addRoutes(to: api.group("orders"))
        PositionsController(trading: trading).addRoutes(to: api.group("positions"))
        FillsController(trading: trading).addRoutes(to: api.group("fills"))
        RiskLimitsController(trading: trading).addRoutes(to: api.group("risk-limits"))
        webhooks.addRoutes(to: api.group("webhooks"))
        DeliveriesController(deliveries: webhooks.deliveries).addRoutes(to: api.group("deliveries"))
        SchedulerController(jobs: scheduler).addRoutes(to: api.group("scheduler"))
        portfolios.addRoutes(to: api.group("portfolios"))
        RebalancesController(runs: portfolios.runs).addRoutes(to: api.group("rebalances"))
        DepositAddressesController(addresses: depositAddresses).addRoutes(to: api.group("deposit-addresses"))
        DepositsController(deposits: deposits).addRoutes(to: api.group("deposits"))
        ExperimentsController(
            store: ExperimentStore(database: signals.database, logger: signals.logger),
            accounts: PaperAccountStore(database: signals.database, logger: signals.logger), sources: sourceCache
        ).addRoutes(to: api.group("experiments"))
        UserDataStreamController(listenKeys: live.listenKeys).addRoutes(to: api.group("userDataStream"))
        live.addRoutes(to: router)
        // The seed system's path for the same endpoints, so that its clients work unchanged.
        webhooks.addRoutes(to: router.group("api/webhooks").add(middleware: APIKeyMiddleware(users: users)))
        OpenAPIDocument.addRoute(to: router)
        return router
    }
}
