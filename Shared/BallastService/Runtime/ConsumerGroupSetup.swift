import BallastCore
import BallastRedis
import Logging
import ServiceLifecycle

/// Creates this service's consumer group on each stream it reads, retrying while Redis is down.
struct ConsumerGroupSetup: Service {
    let streams: [String]
    let group: String
    let redis: RedisClient
    let health: HealthRegistry
    let logger: Logger

    init(streams: [String], group: String, redis: RedisClient, health: HealthRegistry, logger: Logger) {
        self.streams = streams
        self.group = group
        self.redis = redis
        self.health = health
        self.logger = logger
        for stream in streams { health.register(Self.component(stream)) }
    }

    static func component(_ stream: String) -> String { "group \(stream)" }

    func run() async throws {
        let (group, redis, health, logger) = (self.group, self.redis, self.health, self.logger)
        for stream in streams {
            await retryUntilDone("create the consumer group on \(stream)", backoff: Backoff(), logger: logger) {
                try await ConsumerGroups.create(stream: stream, group: group, client: redis)
                health.set(Self.component(stream), healthy: true)
                logger.info("consumer group ready", metadata: ["stream": "\(stream)", "group": "\(group)"])
                return true
            }
        }
    }
}
