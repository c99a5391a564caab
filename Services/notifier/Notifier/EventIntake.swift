import BallastCore
import BallastPostgres
import BallastRedis
import BallastWebhooks
import Logging
import PostgresNIO

/// Reads `ballast:events`: each batch stores its events and one delivery per matching endpoint in the transaction
/// that records the messages as processed, so a redelivered event never makes a second delivery. After the commit
/// it wakes this instance's dispatcher.
struct EventIntake: StreamMessageHandler {
    let consumer: IdempotentConsumer
    let dispatcherWakeup: Wakeup
    let logger: Logger

    init(database: PostgresClient, dispatcherWakeup: Wakeup, logger: Logger) {
        self.consumer = IdempotentConsumer(database: database, consumer: ServiceName.notifier.rawValue, logger: logger)
        self.dispatcherWakeup = dispatcherWakeup
        self.logger = logger
    }

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        let logger = self.logger
        let results = await consumer.processBatch(messages) { connection, fresh in
            // Events without an owner (none are published today) have no endpoint to go to.
            let events = fresh.compactMap { WebhookEvent(envelope: $0.envelope) }
            try await WebhookDeliveryStore.store(events, on: connection, logger: logger)
        }
        dispatcherWakeup.wake()
        return results
    }
}
