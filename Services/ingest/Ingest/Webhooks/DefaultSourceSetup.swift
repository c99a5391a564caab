import BallastCore
import BallastService
import BallastUsers
import Logging
import ServiceLifecycle

/// With `BALLAST_WEBHOOK_SECRET` set, makes sure the default source (`POST /webhook`) exists with that
/// secret (and its owner, `BALLAST_WEBHOOK_USER`, on first use), retrying until the database is reachable
/// and migrated.
struct DefaultSourceSetup: Service {
    static let healthComponent = "default webhook source"

    let users: UserStore
    let sources: SignalSourceStore
    let configuration: IngestConfiguration
    let health: HealthRegistry
    let logger: Logger

    init(users: UserStore, sources: SignalSourceStore, configuration: IngestConfiguration, health: HealthRegistry, logger: Logger) {
        self.users = users
        self.sources = sources
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
        let (users, sources, user) = (self.users, self.sources, configuration.webhookUser)
        let (health, logger) = (self.health, self.logger)
        await retryUntilDone("set up the default webhook source", logger: logger) {
            let owner = try await users.ensureUser(named: user)
            let id = try await sources.ensureDefaultSource(owner: owner, secret: secret.value)
            health.set(Self.healthComponent, healthy: true)
            logger.info("default webhook source ready", metadata: ["source_id": .string(id.uuidString), "user": .string(user)])
            return true
        }
    }
}
