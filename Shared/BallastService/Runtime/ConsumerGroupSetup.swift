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
        var backoff = Backoff()
        var pending = streams
        while !pending.isEmpty && !Task.isShuttingDownGracefully && !Task.isCancelled {
            let stream = pending[0]
            do {
                try await ConsumerGroups.create(stream: stream, group: group, client: redis)
                health.set(Self.component(stream), healthy: true)
                logger.info("consumer group ready", metadata: ["stream": "\(stream)", "group": "\(group)"])
                pending.removeFirst()
                backoff.reset()
            } catch {
                logger.warning("cannot create consumer group yet", metadata: ["stream": "\(stream)", "error": "\(error)"])
                do { try await backoff.wait() } catch { return }
            }
        }
    }
}
