import BallastCore
import BallastPostgres
import BallastRedis
import Logging
import PostgresNIO

/// The shared parts a service's `buildServices` gets: configuration, clients, and health reporting.
public struct ServiceContext: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let redis: RedisClient
    public let database: PostgresClient
    public let producer: StreamProducer
    public let health: HealthRegistry
    /// Call `wake()` after committing outbox rows, so the relay sends them at once. Services run in one process share
    /// it, as they share its one relay.
    public let outboxWakeup: Wakeup
    /// Where this process's workers report failures and successes; the runtime sends the alerts they raise.
    public let alarms: WorkerAlarms

    public init(
        configuration: ServiceConfiguration,
        logger: Logger,
        redis: RedisClient,
        database: PostgresClient,
        health: HealthRegistry,
        outboxWakeup: Wakeup = Wakeup()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.redis = redis
        self.database = database
        self.producer = StreamProducer(client: redis, maxLength: configuration.streamMaxLength)
        self.health = health
        self.outboxWakeup = outboxWakeup
        self.alarms = WorkerAlarms(settings: configuration.alerts)
    }

    /// A consumer of `stream` in this service's group; readiness waits for it to be reading.
    public func makeConsumer(of stream: String, handler: any StreamMessageHandler) -> StreamConsumer {
        StreamConsumer(
            configuration: configuration.consumerConfiguration(for: stream),
            client: redis,
            handler: handler,
            health: health,
            alarms: alarms,
            logger: logger
        )
    }

    /// `BALLAST_CONSUMERS_PER_STREAM` consumers of `stream` in this service's group, each with its own
    /// reader: batches handled at once, as if that many instances ran.
    public func makeConsumers(of stream: String, handler: any StreamMessageHandler) -> [StreamConsumer] {
        let count = configuration.consumer.consumersPerStream
        return (0..<count).map { index in
            var settings = configuration.consumerConfiguration(for: stream)
            if count > 1 {
                settings.consumer += "-\(index + 1)"
                settings.readerNumber = index + 1
            }
            return StreamConsumer(
                configuration: settings, client: redis, handler: handler, health: health, alarms: alarms, logger: logger)
        }
    }
}
