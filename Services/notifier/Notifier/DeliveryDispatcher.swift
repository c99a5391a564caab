import AsyncHTTPClient
import BallastCore
import BallastWebhooks
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Makes the attempts of due deliveries: claims them from Postgres (any instance may claim any), sends each with its
/// own task, and hands the results to `AttemptWriter`.
///
/// Isolation: at most `endpointConcurrency` attempts per endpoint and `globalConcurrency` in all run at once; the
/// claim takes only what fits, so a hanging endpoint holds its own slots until its timeout and nothing else.
final class DeliveryDispatcher: Service, Sendable {
    /// How long to wait for new deliveries when none were due (this instance's intake wakes it earlier).
    static let pollInterval: Duration = .milliseconds(500)
    /// The most deliveries one claim takes.
    static let claimLimit = 500

    private let store: WebhookDeliveryStore
    private let sender: WebhookSender
    private let writer: AttemptWriter
    private let settings: WebhookSettings
    private let wakeup: Wakeup
    private let slotFreed = Wakeup()
    private let inFlight = Mutex<[UUID: Int]>([:])
    private let logger: Logger

    init(store: WebhookDeliveryStore, sender: WebhookSender, writer: AttemptWriter, settings: WebhookSettings, wakeup: Wakeup, logger: Logger) {
        self.store = store
        self.sender = sender
        self.writer = writer
        self.settings = settings
        self.wakeup = wakeup
        self.logger = logger
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            var backoff = Backoff()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let (running, busy) = inFlight.withLock { ($0.values.reduce(0, +), $0) }
                let free = settings.globalConcurrency - running
                if free <= 0 {
                    try? await cancelWhenGracefulShutdown { await self.slotFreed.wait(upTo: Self.pollInterval) }
                    continue
                }
                let claimed: [ClaimedDelivery]
                do {
                    claimed = try await store.claimDue(
                        limit: min(free, Self.claimLimit), inFlight: busy, endpointConcurrency: settings.endpointConcurrency,
                        lease: settings.lease)
                    backoff.reset()
                } catch {
                    logger.warning("claiming due deliveries failed", metadata: ["error": .error(error)])
                    try? await backoff.wait()
                    continue
                }
                if claimed.isEmpty {
                    // Woken by this instance's intake or a finished attempt (a slot may let a busy endpoint's next in).
                    try? await cancelWhenGracefulShutdown { await self.wakeup.wait(upTo: Self.pollInterval) }
                    continue
                }
                inFlight.withLock { counts in
                    for delivery in claimed { counts[delivery.endpointID, default: 0] += 1 }
                }
                for delivery in claimed {
                    group.addTask { await self.attempt(delivery) }
                }
            }
            // Shutting down: attempts under way finish (each within its timeout) and their results are written.
        }
        await writer.flush()
    }

    private func attempt(_ delivery: ClaimedDelivery) async {
        let result = await sender.attempt(delivery)
        var random = SystemRandomNumberGenerator()
        let record = AttemptRecord.of(
            result, for: delivery, schedule: settings.retrySchedule, maxRetryAfter: settings.maxRetryAfter, using: &random)
        NotifierMetrics.record(result, next: record.next)
        if !result.succeeded {
            logger.info(
                "webhook attempt failed",
                metadata: [
                    "delivery_id": "\(delivery.id)", "webhook_id": "\(delivery.endpointID)", "attempt": "\(delivery.attempt)",
                    "status_code": "\(result.statusCode.map(String.init) ?? "-")", "error": "\(result.error ?? "-")",
                ])
        }
        await writer.add(record)
        inFlight.withLock { counts in
            let left = (counts[delivery.endpointID] ?? 1) - 1
            counts[delivery.endpointID] = left > 0 ? left : nil
        }
        slotFreed.wake()
        wakeup.wake()
    }
}
