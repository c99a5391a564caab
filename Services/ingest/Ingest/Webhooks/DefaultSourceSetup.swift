import BallastCore
import BallastService
import Logging
import ServiceLifecycle

/// With `BALLAST_WEBHOOK_SECRET` set, makes sure the default source (`POST /webhook`) exists with that
/// secret, retrying until the database is reachable and migrated.
struct DefaultSourceSetup: Service {
    static let healthComponent = "default webhook source"

    let accounts: AccountStore
    let configuration: IngestConfiguration
    let health: HealthRegistry
    let logger: Logger

    init(accounts: AccountStore, configuration: IngestConfiguration, health: HealthRegistry, logger: Logger) {
        self.accounts = accounts
        self.configuration = configuration
        self.health = health
        self.logger = logger
        if configuration.webhookSecret != nil { health.register(Self.healthComponent) }
    }

    func run() async throws {
        guard let secret = configuration.webhookSecret else {
            logger.notice("BALLAST_WEBHOOK_SECRET is not set: POST /webhook refuses every request")
            return
        }
        let (accounts, user, health, logger) = (self.accounts, configuration.webhookUser, self.health, self.logger)
        await retryUntilDone("set up the default webhook source", logger: logger) {
            let id = try await accounts.ensureDefaultSource(user: user, secret: secret.value)
            health.set(Self.healthComponent, healthy: true)
            logger.info("default webhook source ready", metadata: ["source_id": .string(id.uuidString), "user": .string(user)])
            return true
        }
    }
}
