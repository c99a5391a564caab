import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging

/// Everything a Ballast service reads from its environment (see docs/configuration.md).
public struct ServiceConfiguration: Sendable {
    public var service: ServiceName
    public var redis: RedisEndpoint
    public var database: PostgresEndpoint
    public var databaseMaxConnections: Int
    /// Address the HTTP servers bind to; `0.0.0.0` in containers.
    public var bindHost: String
    public var adminPort: Int
    /// The public HTTP port (ingest only).
    public var publicPort: Int
    public var autoMigrate: Bool
    public var logFormat: LogFormat
    public var logLevel: Logger.Level
    /// Consumer name in every group this process joins (`hostname-pid` unless set).
    public var instance: String
    public var streamMaxLength: Int
    public var consumer: ConsumerSettings
    public var outbox: OutboxRelay.Configuration
    /// How long finished scheduler runs are kept.
    public var jobRunsRetention: Duration
    /// How long trades, sent outbox rows and processed message ids are kept.
    public var retention: RetentionSettings
    /// When repeated failures of a worker raise a `system.alert`.
    public var alerts: AlertSettings

    public struct ConsumerSettings: Sendable {
        public var batchSize: Int
        public var concurrency: Int
        public var consumersPerStream: Int
        public var processingTimeout: Duration
        public var maxDeliveries: Int
    }

    public init(service: ServiceName, environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        self.service = service
        redis = try RedisEndpoint(
            url: environment.string("BALLAST_REDIS_URL", default: "redis://127.0.0.1:6379"),
            variable: "BALLAST_REDIS_URL"
        )
        database = try PostgresEndpoint(
            url: environment.string("BALLAST_DATABASE_URL", default: "postgres://ballast:ballast@127.0.0.1:5432/ballast"),
            variable: "BALLAST_DATABASE_URL"
        )
        databaseMaxConnections = try environment.integer("BALLAST_DATABASE_MAX_CONNECTIONS", default: 10, range: 1...500)
        bindHost = environment.string("BALLAST_BIND_HOST", default: "127.0.0.1")
        adminPort = try environment.port(service.adminPortVariable, default: service.defaultAdminPort)
        publicPort = service == .ingest ? try environment.port("BALLAST_INGEST_PORT", default: 8080) : 8080
        autoMigrate = try environment.boolean("BALLAST_AUTO_MIGRATE", default: false)
        logFormat = try environment.choice("BALLAST_LOG_FORMAT", default: LogFormat.logfmt)
        logLevel = try environment.choice("BALLAST_LOG_LEVEL", default: Logger.Level.info)
        instance = environment.string(
            "BALLAST_INSTANCE",
            default: "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        )
        streamMaxLength = try environment.integer("BALLAST_STREAM_MAXLEN", default: 1_000_000, range: 1_000...1_000_000_000)
        consumer = ConsumerSettings(
            batchSize: try environment.integer("BALLAST_CONSUMER_BATCH_SIZE", default: 100, range: 1...10_000),
            concurrency: try environment.integer("BALLAST_CONSUMER_CONCURRENCY", default: 16, range: 1...1_000),
            consumersPerStream: try environment.integer("BALLAST_CONSUMERS_PER_STREAM", default: 2, range: 1...64),
            processingTimeout: try environment.milliseconds("BALLAST_PROCESSING_TIMEOUT_MS", default: .seconds(30)),
            maxDeliveries: try environment.integer("BALLAST_MAX_DELIVERIES", default: 5, range: 1...1_000)
        )
        outbox = OutboxRelay.Configuration()
        outbox.batchSize = try environment.integer("BALLAST_OUTBOX_BATCH_SIZE", default: 5_000, range: 1...50_000)
        outbox.pollInterval = try environment.milliseconds("BALLAST_OUTBOX_POLL_MS", default: .milliseconds(100))
        jobRunsRetention = .seconds(3600 * (try environment.integer("BALLAST_JOB_RUNS_RETENTION_HOURS", default: 168, range: 1...87_600)))
        retention = try RetentionSettings(environment: environment)
        alerts = try AlertSettings(environment: environment)
    }

    /// Settings for this process's consumer on `stream`, in the group named after the service.
    public func consumerConfiguration(for stream: String) -> StreamConsumerConfiguration {
        var configuration = StreamConsumerConfiguration(stream: stream, group: service.name, consumer: instance)
        configuration.batchSize = consumer.batchSize
        configuration.processingTimeout = consumer.processingTimeout
        configuration.claimInterval = min(.seconds(5), consumer.processingTimeout / 2)
        configuration.maxDeliveries = consumer.maxDeliveries
        return configuration
    }
}
