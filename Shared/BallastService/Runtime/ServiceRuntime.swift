import BallastCore
import BallastPostgres
import BallastRedis
import BallastScheduler
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// Assembles one process: clients, schema check, consumer groups, outbox relay, the service's own parts
/// and the admin server, all in one `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
public struct ServiceRuntime: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let metrics: PrometheusCollectorRegistry

    public init(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    public func run(_ build: (ServiceContext) throws -> ServiceDefinition) async throws {
        let redis = RedisClient(endpoint: configuration.redis, poolSize: 4)
        let database = Database.makeClient(
            configuration.database,
            maxConnections: configuration.databaseMaxConnections,
            logger: logger
        )
        let health = HealthRegistry()
        let context = ServiceContext(configuration: configuration, logger: logger, redis: redis, database: database, health: health)
        let definition = try build(context)

        let schema = SchemaCheck(database: database, autoMigrate: configuration.autoMigrate, health: health, logger: logger)
        let groups = ConsumerGroupSetup(
            streams: definition.consumedStreams,
            group: configuration.service.name,
            redis: redis,
            health: health,
            logger: logger
        )
        let relay = OutboxRelay(
            database: database,
            producer: context.producer,
            configuration: configuration.outbox,
            health: health,
            wakeup: context.outboxWakeup,
            alarms: context.alarms,
            logger: logger
        )
        let alerts = AlertPublisher(
            alarms: context.alarms,
            database: database,
            producer: context.producer,
            service: configuration.service.name,
            instance: configuration.instance,
            outboxWakeup: context.outboxWakeup,
            logger: logger
        )
        var jobRunnerConfiguration = JobRunner.Configuration(service: configuration.service.name, instance: configuration.instance)
        jobRunnerConfiguration.runRetention = configuration.jobRunsRetention
        let declaredJobs = definition.jobs + (try RetentionJobs.sharedTablesPurges(context))
        let jobs =
            declaredJobs.isEmpty
            ? nil
            : JobRunner(
                jobs: declaredJobs,
                database: database,
                redis: redis,
                configuration: jobRunnerConfiguration,
                alarms: context.alarms,
                logger: logger
            )
        let admin = Application(
            router: AdminRouter.build(
                readiness: ReadinessCheck(redis: redis, database: database, health: health),
                metrics: metrics,
                jobs: jobs
            ),
            configuration: .init(address: .hostname(configuration.bindHost, port: configuration.adminPort)),
            logger: logger
        )

        // A ServiceGroup stops services in reverse order: HTTP first, Postgres last. The alert publisher stops after every
        // worker, so an alert raised while they stop is still sent.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: database),
            .init(service: alerts),
            .init(service: schema, successTerminationBehavior: .ignore),
            .init(service: groups, successTerminationBehavior: .ignore),
            .init(service: relay),
        ]
        services += definition.setupSteps.map { .init(service: $0, successTerminationBehavior: .ignore) }
        services += definition.services.map { .init(service: $0) }
        if let jobs { services.append(.init(service: jobs)) }
        services.append(.init(service: admin))

        logger.info(
            "starting",
            metadata: [
                "redis": "\(configuration.redis.redacted)",
                "database": "\(configuration.database.redacted)",
                "admin": "http://\(configuration.bindHost):\(configuration.adminPort)",
                "instance": "\(configuration.instance)",
            ]
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        // In-flight work gets 8 s to finish; then everything is cancelled, so the process exits within 10 s.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(8)
        groupConfiguration.maximumCancellationDuration = .seconds(1)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        logger.info("stopped")
    }
}
