import BallastCore
import BallastService
import Hummingbird

/// The public HTTP edge: webhooks now, the management API next (see the README's status table).
public enum Ingest {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let configuration = try IngestConfiguration()
        let repository = PostgresSignalRepository(database: context.database, logger: context.logger)
        let accounts = AccountStore(database: context.database, logger: context.logger)
        let application = Application(
            router: buildRouter(repository: repository, configuration: configuration),
            configuration: .init(address: .hostname(context.configuration.bindHost, port: context.configuration.publicPort)),
            logger: context.logger
        )
        let setup = DefaultSourceSetup(accounts: accounts, configuration: configuration, health: context.health, logger: context.logger)
        return ServiceDefinition(services: [application], setupSteps: [setup])
    }

    public static func buildRouter(repository: any SignalRepository, configuration: IngestConfiguration) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        WebhookController(repository: repository, configuration: configuration).addRoutes(to: router.group("webhook"))
        return router
    }
}
