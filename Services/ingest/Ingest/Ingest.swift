import BallastCore
import BallastService
import Hummingbird

/// The public HTTP edge: webhooks and the management API. Skeleton for now: it serves problem+json
/// for every route on its public port and runs the outbox relay; the routes arrive with their issue.
public enum Ingest {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition(services: [buildApplication(context)])
    }

    public static func buildApplication(_ context: ServiceContext) -> some ApplicationProtocol {
        let configuration = context.configuration
        return Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(configuration.bindHost, port: configuration.publicPort)),
            logger: context.logger
        )
    }

    public static func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        return router
    }
}
