import BallastCore
import BallastService
import BallastWebhooks

/// Delivers the events on `ballast:events` to the endpoints users registered, signed (Standard Webhooks and the
/// seeds' headers), with retries kept in Postgres so that restarts and other instances lose and repeat nothing.
public enum Notifier {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        try buildServices(context, settings: try WebhookSettings())
    }

    /// The services with `settings` instead of the environment's (tests run several notifiers in one process).
    public static func buildServices(_ context: ServiceContext, settings: WebhookSettings) throws -> ServiceDefinition {
        let httpClient = WebhookSender.makeHTTPClient(settings: settings)
        let store = WebhookDeliveryStore(database: context.database, outboxWakeup: context.outboxWakeup, logger: context.logger)
        let dispatcherWakeup = Wakeup()
        let writer = AttemptWriter(store: store, settings: settings, logger: context.logger)
        let dispatcher = DeliveryDispatcher(
            store: store, sender: WebhookSender(httpClient: httpClient, settings: settings), writer: writer, settings: settings,
            wakeup: dispatcherWakeup, logger: context.logger)
        let intake = EventIntake(database: context.database, dispatcherWakeup: dispatcherWakeup, logger: context.logger)
        return ServiceDefinition(
            // A service group stops its services in reverse order: the dispatcher finishes its attempts before the
            // writer's last flush, and the HTTP client goes last.
            services: [
                HTTPClientShutdown(client: httpClient), writer, context.makeConsumer(of: StreamName.events, handler: intake),
                dispatcher, BacklogGauges(store: store, logger: context.logger),
            ],
            consumedStreams: [StreamName.events],
            jobs: [try RetentionJobs.webhooksPurge(context)]
        )
    }
}
