import BallastCore
import BallastPostgres
import BallastRedis
import BallastWebhooks
import Logging
import PostgresNIO
import Synchronization

/// Reads `ballast:events`: each batch stores its events and one delivery per matching endpoint in the transaction
/// that records the messages as processed, so a redelivered event never makes a second delivery.
///
/// The deliveries are claimed for their first attempt as they are written and handed to this instance's dispatcher
/// after the commit, so the common case costs no claim query. If the batch had to be retried message by message,
/// which of the claims committed is not known here: all are released instead (fenced, so a claim whose transaction
/// rolled back changes nothing) and the dispatchers claim them like any due delivery.
struct EventIntake: StreamMessageHandler {
    let consumer: IdempotentConsumer
    let dispatcher: DeliveryDispatcher
    let store: WebhookDeliveryStore
    let lease: Duration
    let logger: Logger

    init(database: PostgresClient, dispatcher: DeliveryDispatcher, store: WebhookDeliveryStore, lease: Duration, logger: Logger) {
        self.consumer = IdempotentConsumer(database: database, consumer: ServiceName.notifier.rawValue, logger: logger)
        self.dispatcher = dispatcher
        self.store = store
        self.lease = lease
        self.logger = logger
    }

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        let logger = self.logger
        let lease = self.lease
        // An endpoint with more queued than it can take gets its deliveries as due rows instead: they wait in the
        // database, not in this instance's memory, and need no release later.
        let congested = dispatcher.congestedEndpoints()
        let claims = Mutex<(transactions: Int, deliveries: [ClaimedDelivery])>((0, []))
        let results = await consumer.processBatch(messages) { connection, fresh in
            // Events without an owner (none are published today) have no endpoint to go to.
            let events = fresh.compactMap { WebhookEvent(envelope: $0.envelope) }
            let claimed = try await WebhookDeliveryStore.store(
                events, claimingFor: lease, except: congested, on: connection, logger: logger)
            claims.withLock { claims in
                claims.transactions += 1
                claims.deliveries += claimed
            }
        }
        let (transactions, deliveries) = claims.withLock { $0 }
        let committedTogether = transactions == 1 && results.allSatisfy { if case .success = $0 { true } else { false } }
        if committedTogether {
            dispatcher.submit(deliveries)
        } else {
            await dispatcher.release(deliveries)
        }
        return results
    }
}
