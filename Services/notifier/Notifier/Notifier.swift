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
        let writer = AttemptWriter(store: store, settings: settings, alarms: context.alarms, logger: context.logger)
        let dispatcher = DeliveryDispatcher(
            store: store, sender: WebhookSender(httpClient: httpClient, settings: settings), writer: writer, settings: settings,
            alarms: context.alarms, logger: context.logger)
        let intake = EventIntake(
            database: context.database, dispatcher: dispatcher, store: store, lease: settings.lease, logger: context.logger)
        return ServiceDefinition(
            // A service group stops its services in reverse order: the intake stops handing deliveries over, the
            // dispatcher finishes its attempts, the writer writes their results, and the HTTP client goes last.
            services: [
                HTTPClientShutdown(client: httpClient), writer, dispatcher, context.makeConsumer(of: StreamName.events, handler: intake),
                BacklogGauges(store: store, logger: context.logger),
            ],
            consumedStreams: [StreamName.events],
            jobs: [try RetentionJobs.webhooksPurge(context)]
        )
    }
}
