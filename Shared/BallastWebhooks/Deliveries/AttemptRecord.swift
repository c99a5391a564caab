import Foundation

/// An attempt's result and what follows from it, as `WebhookDeliveryStore.record` writes it.
public struct AttemptRecord: Sendable {
    public enum Next: Sendable, Equatable {
        case succeeded
        case retry(at: Date)
        /// No attempt is left (or the delivery was a test).
        case failed
    }

    public var deliveryID: UUID
    /// The delivery's endpoint, whose failure streak the record updates.
    public var endpointID: UUID
    public var attempt: Int
    public var result: AttemptResult
    public var next: Next

    public init(deliveryID: UUID, endpointID: UUID, attempt: Int, result: AttemptResult, next: Next) {
        self.deliveryID = deliveryID
        self.endpointID = endpointID
        self.attempt = attempt
        self.result = result
        self.next = next
    }

    /// The record of `result` for `delivery`: success, the next attempt by `schedule` (never before a `Retry-After`
    /// up to `maxRetryAfter`), or failure once the schedule is spent. Tests are never retried.
    public static func of(
        _ result: AttemptResult, for delivery: ClaimedDelivery, schedule: RetrySchedule, maxRetryAfter: Duration,
        using random: inout some RandomNumberGenerator
    ) -> AttemptRecord {
        let next: Next
        if result.succeeded {
            next = .succeeded
        } else if delivery.isTest {
            next = .failed
        } else if var delay = schedule.delay(afterFailedAttempt: delivery.attemptInRound, using: &random) {
            if let retryAfter = result.retryAfter { delay = max(delay, min(retryAfter, maxRetryAfter)) }
            next = .retry(at: result.attemptedAt.addingTimeInterval(result.duration.inSeconds + delay.inSeconds))
        } else {
            next = .failed
        }
        return AttemptRecord(
            deliveryID: delivery.id, endpointID: delivery.endpointID, attempt: delivery.attempt, result: result, next: next)
    }
}
