import BallastCore
import BallastPostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Brings the schema up to date at start (`BALLAST_AUTO_MIGRATE=1`) or waits until someone has run
/// `ballast migrate`; readiness stays false until the schema is current. Retries while Postgres is down.
struct SchemaCheck: Service {
    static let healthComponent = "schema"

    let database: PostgresClient
    let autoMigrate: Bool
    let health: HealthRegistry
    let logger: Logger

    init(database: PostgresClient, autoMigrate: Bool, health: HealthRegistry, logger: Logger) {
        self.database = database
        self.autoMigrate = autoMigrate
        self.health = health
        self.logger = logger
        health.register(Self.healthComponent)
    }

    func run() async throws {
        let migrator = Migrator(client: database, logger: logger)
        let expected = Set(migrator.migrations.map(\.version))
        let (autoMigrate, health, logger) = (self.autoMigrate, self.health, self.logger)
        await retryUntilDone("check the database schema", logger: logger) {
            if autoMigrate { try await migrator.migrate() }
            let missing = expected.subtracting(try await migrator.appliedVersions())
            guard missing.isEmpty else {
                logger.warning("database schema is behind; run `ballast migrate`", metadata: ["missing": "\(missing.sorted())"])
                return false
            }
            health.set(Self.healthComponent, healthy: true)
            return true
        }
    }
}
