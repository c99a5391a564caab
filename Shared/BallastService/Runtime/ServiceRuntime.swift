import BallastCore
import BallastPostgres
import BallastRedis
import BallastScheduler
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// Assembles one process: clients, schema check, consumer groups, outbox relay, the services' own parts and the admin
/// server, all in one `ServiceGroup` that stops gracefully on SIGTERM/SIGINT.
///
/// A process runs one service (its executable) or several (`ballast serve`). Several share the Redis client, the
/// Postgres pool, the schema check, the outbox relay and the admin server; each keeps what makes it that service:
/// its consumer groups (named after it), its job runner (its jobs registered under its name), its health components
/// and its worker alarms, whose alerts name it.
public struct ServiceRuntime: Sendable {
    /// The settings of each service the process runs, in order. The process-wide ones (Redis, Postgres and its pool,
    /// bind address, instance, outbox, migration) come from one environment, so they agree; the first's are used.
    public let configurations: [ServiceConfiguration]
    public let logger: Logger
    public let metrics: PrometheusCollectorRegistry

    /// The first service's settings: the process's.
    public var configuration: ServiceConfiguration { configurations[0] }

    /// The admin port: the service's own, or, for several, the first one's (`BALLAST_INGEST_ADMIN_PORT` whenever ingest
    /// is among them), so that what probes that service's port finds the process.
    public var adminPort: Int { configuration.adminPort }

    public init(configuration: ServiceConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry) {
        self.init(configurations: [configuration], logger: logger, metrics: metrics)
    }

    public init(configurations: [ServiceConfiguration], logger: Logger, metrics: PrometheusCollectorRegistry) {
        precondition(!configurations.isEmpty, "a process runs at least one service")
        precondition(Set(configurations.map(\.service)).count == configurations.count, "a process runs each service once")
        self.configurations = configurations
        self.logger = logger
        self.metrics = metrics
    }

    /// Runs the one service of `configuration`, as its executable does: its components are named as they are.
    public func run(_ build: (ServiceContext) throws -> ServiceDefinition) async throws {
        precondition(configurations.count == 1, "run(_:) runs one service; use run(modules:) for several")
        let (redis, database) = makeClients()
        let context = ServiceContext(
            configuration: configuration, logger: logger, redis: redis, database: database, health: HealthRegistry())
        let part = Part(context: context, definition: try build(context))
        try await run([part], processHealth: context.health, reportsModules: false, redis: redis, database: database)
    }

    /// Runs several services in this process, one module per configuration and in the same order. `/readyz` names each
    /// module's components `<module>: <component>` and adds each module's readiness.
    public func run(modules: [ServiceModule]) async throws {
        precondition(modules.map(\.service) == configurations.map(\.service), "one module per configuration, in order")
        let (redis, database) = makeClients()
        let outboxWakeup = Wakeup()
        var parts: [Part] = []
        for (module, configuration) in zip(modules, configurations) {
            let context = ServiceContext(
                configuration: configuration, logger: Logger(label: module.service.name), redis: redis, database: database,
                health: HealthRegistry(), outboxWakeup: outboxWakeup)
            parts.append(Part(context: context, definition: try module.build(context)))
        }
        try await run(parts, processHealth: HealthRegistry(), reportsModules: true, redis: redis, database: database)
    }

    /// One service's context and what it built on it.
    private struct Part {
        let context: ServiceContext
        let definition: ServiceDefinition
    }

    /// What one part runs that is its own, apart from the process's shared parts.
    private struct OwnServices {
        let alerts: AlertPublisher
        let groups: ConsumerGroupSetup
        /// Start-up steps, workers and the job runner, in start order.
        let workers: [ServiceGroupConfiguration.ServiceConfiguration]
    }

    private func makeClients() -> (RedisClient, PostgresClient) {
        let redis = RedisClient(endpoint: configuration.redis, poolSize: 4)
        let database = Database.makeClient(configuration.database, maxConnections: configuration.databaseMaxConnections, logger: logger)
        return (redis, database)
    }

    private func run(
        _ parts: [Part], processHealth: HealthRegistry, reportsModules: Bool, redis: RedisClient, database: PostgresClient
    ) async throws {
        let schema = SchemaCheck(database: database, autoMigrate: configuration.autoMigrate, health: processHealth, logger: logger)
        // One relay sends every outbox row, whichever service wrote it: the relay reads the table, not a service's rows.
        // Its failures count in the first service's alarms, so its alert names that service.
        let first = parts[0].context
        let relay = OutboxRelay(
            database: database,
            producer: first.producer,
            configuration: configuration.outbox,
            health: processHealth,
            wakeup: first.outboxWakeup,
            alarms: first.alarms,
            logger: logger
        )
        // What makes each part that service: its alert publisher, consumer groups, start-up steps, workers and job runner.
        var partServices: [OwnServices] = []
        var runners: [JobRunner] = []
        for part in parts {
            let context = part.context
            let service = context.configuration.service.name
            let alerts = AlertPublisher(
                alarms: context.alarms, database: database, producer: context.producer, service: service,
                instance: configuration.instance, outboxWakeup: context.outboxWakeup, logger: context.logger)
            let groups = ConsumerGroupSetup(
                streams: part.definition.consumedStreams, group: service, redis: redis, health: context.health, logger: context.logger)
            var runner: JobRunner?
            let declaredJobs = part.definition.jobs + (try RetentionJobs.sharedTablesPurges(context))
            if !declaredJobs.isEmpty {
                var runnerConfiguration = JobRunner.Configuration(service: service, instance: configuration.instance)
                runnerConfiguration.runRetention = configuration.jobRunsRetention
                runner = JobRunner(
                    jobs: declaredJobs, database: database, redis: redis, configuration: runnerConfiguration, alarms: context.alarms,
                    logger: context.logger)
            }
            runners += runner.map { [$0] } ?? []
            let workers: [ServiceGroupConfiguration.ServiceConfiguration] =
                part.definition.setupSteps.map { .init(service: $0, successTerminationBehavior: .ignore) }
                + part.definition.services.map { .init(service: $0) } + (runner.map { [.init(service: $0)] } ?? [])
            partServices.append(OwnServices(alerts: alerts, groups: groups, workers: workers))
        }
        let modules =
            reportsModules
            ? parts.map { ReadinessCheck.Module(name: $0.context.configuration.service.name, health: $0.context.health) } : []
        let admin = Application(
            router: AdminRouter.build(
                readiness: ReadinessCheck(redis: redis, database: database, health: processHealth, modules: modules),
                metrics: metrics,
                jobRunners: runners
            ),
            configuration: .init(address: .hostname(configuration.bindHost, port: adminPort)),
            logger: logger
        )

        // A ServiceGroup stops services in reverse order: HTTP first, Postgres last. The alert publishers stop after every
        // worker, so an alert raised while they stop is still sent.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: database)]
        if reportsModules {
            services += [.init(service: schema, successTerminationBehavior: .ignore), .init(service: relay)]
            // Each service in a group of its own, all stopping at once as separate processes would: one after the other,
            // their consumers' last blocking reads alone would outlast the time a stop may take. The relay stops after
            // them all, so their last outbox rows still go.
            let groups = zip(parts, partServices).map { part, own in
                ServiceGroup(
                    configuration: ServiceGroupConfiguration(
                        services: [.init(service: own.alerts), .init(service: own.groups, successTerminationBehavior: .ignore)]
                            + own.workers,
                        logger: part.context.logger))
            }
            services.append(.init(service: ConcurrentServiceGroups(groups: groups)))
        } else {
            services += partServices.map { .init(service: $0.alerts) }
            services.append(.init(service: schema, successTerminationBehavior: .ignore))
            services += partServices.map { .init(service: $0.groups, successTerminationBehavior: .ignore) }
            services.append(.init(service: relay))
            services += partServices.flatMap(\.workers)
        }
        services.append(.init(service: admin))

        var metadata: Logger.Metadata = [
            "redis": "\(configuration.redis.redacted)",
            "database": "\(configuration.database.redacted)",
            "admin": "http://\(configuration.bindHost):\(adminPort)",
            "instance": "\(configuration.instance)",
        ]
        if reportsModules { metadata["modules"] = "\(parts.map(\.context.configuration.service.name).joined(separator: ","))" }
        logger.info("starting", metadata: metadata)
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
