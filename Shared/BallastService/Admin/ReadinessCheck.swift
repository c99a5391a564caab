import BallastCore
import BallastPostgres
import BallastRedis
import PostgresNIO

/// What `/readyz` checks: Redis answers, Postgres answers, and every registered component
/// (consumers, relay, schema) reports healthy.
public struct ReadinessCheck: Sendable {
    /// The components of one of several services run in one process (`ballast serve`).
    public struct Module: Sendable {
        public let name: String
        public let health: HealthRegistry

        public init(name: String, health: HealthRegistry) {
            self.name = name
            self.health = health
        }
    }

    public let redis: RedisClient
    public let database: PostgresClient
    /// The process's own components; in a process of one service, all of them.
    public let health: HealthRegistry
    /// Services sharing the process, each with its own components: empty for one service's executable.
    public let modules: [Module]

    public init(redis: RedisClient, database: PostgresClient, health: HealthRegistry, modules: [Module] = []) {
        self.redis = redis
        self.database = database
        self.health = health
        self.modules = modules
    }

    /// Redis, Postgres, the process's components, then each module's as `<module>: <component>`: two services in one
    /// process may have components of the same name (both read `ballast:trades`).
    public func run() async -> [(name: String, healthy: Bool)] {
        async let redisUp = (try? withTimeout(.seconds(2)) { await redis.isReachable() }) ?? false
        async let databaseUp = Database.isReachable(database)
        let checks = [("redis", await redisUp), ("postgres", await databaseUp)]
        let moduleChecks = modules.flatMap { module in
            module.health.snapshot.map { ("\(module.name): \($0.component)", $0.healthy) }
        }
        return checks + health.snapshot.map { ($0.component, $0.healthy) } + moduleChecks
    }

    /// Whether each module's own components are all healthy, by module name.
    public func moduleReadiness() -> [String: Bool] {
        Dictionary(modules.map { ($0.name, $0.health.snapshot.allSatisfy(\.healthy)) }, uniquingKeysWith: { $0 && $1 })
    }
}
