import BallastCore
import BallastPostgres
import BallastRedis
import PostgresNIO

/// What `/readyz` checks: Redis answers, Postgres answers, and every registered component
/// (consumers, relay, schema) reports healthy.
public struct ReadinessCheck: Sendable {
    public let redis: RedisClient
    public let database: PostgresClient
    public let health: HealthRegistry

    public init(redis: RedisClient, database: PostgresClient, health: HealthRegistry) {
        self.redis = redis
        self.database = database
        self.health = health
    }

    public func run() async -> [(name: String, healthy: Bool)] {
        async let redisUp = (try? withTimeout(.seconds(2)) { await redis.isReachable() }) ?? false
        async let databaseUp = Database.isReachable(database)
        let checks = [("redis", await redisUp), ("postgres", await databaseUp)]
        return checks + health.snapshot.map { ($0.component, $0.healthy) }
    }
}
