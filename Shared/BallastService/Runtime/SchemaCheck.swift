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
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        var warned = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let autoMigrate = self.autoMigrate
                let missing = try await cancelWhenGracefulShutdown {
                    if autoMigrate { try await migrator.migrate() }
                    return expected.subtracting(try await migrator.appliedVersions())
                }
                if missing.isEmpty {
                    health.set(Self.healthComponent, healthy: true)
                    return
                }
                if !warned {
                    logger.warning("database schema is behind; run `ballast migrate`", metadata: ["missing": "\(missing.sorted())"])
                    warned = true
                }
            } catch  where error is CancellationError || Task.isShuttingDownGracefully {
                return
            } catch {
                logger.warning("cannot check the database schema yet", metadata: ["error": "\(String(reflecting: error))"])
            }
            do { try await backoff.wait() } catch { return }
        }
    }
}
