import BallastCore
import BallastWebhooks
import Logging
import ServiceLifecycle
import Synchronization

/// Writes attempt results in batches: one transaction for every result that finished in the last few
/// milliseconds, instead of one per attempt. A result whose write fails stays queued and is written with the next
/// batch; if the process dies first, the delivery's lease ends and it is attempted again (same `webhook-id`).
final class AttemptWriter: Service, Sendable {
    /// How long results gather before they are written.
    static let gatherInterval: Duration = .milliseconds(5)
    static let maxBatch = 1_000
    /// A result that failed this many writes on its own is dropped (logged and counted); its delivery's lease ends
    /// and it is attempted again, instead of the result blocking the queue forever.
    static let maxWritesPerResult = 5
    /// The name failed writes are counted under in `WorkerAlarms`.
    static let alarmName = "webhook attempt results"

    private struct Queued {
        var record: AttemptRecord
        var failedWrites = 0
    }

    private let store: WebhookDeliveryStore
    private let settings: WebhookSettings
    private let queued = Mutex<[Queued]>([])
    private let arrived = Wakeup()
    private let alarms: WorkerAlarms?
    private let logger: Logger

    init(store: WebhookDeliveryStore, settings: WebhookSettings, alarms: WorkerAlarms? = nil, logger: Logger) {
        self.store = store
        self.settings = settings
        self.alarms = alarms
        self.logger = logger
    }

    func add(_ record: AttemptRecord) {
        queued.withLock { $0.append(Queued(record: record)) }
        arrived.wake()
    }

    /// Writes until shutdown, then once more for what the dispatcher's last attempts queued (it stops first).
    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { await self.arrived.wait(upTo: .seconds(1)) }
            try? await Task.sleep(for: Self.gatherInterval)
            await flush()
        }
        await flush()
    }

    /// Writes what is queued, in batches; a batch that fails is split so one bad record cannot hold back the rest.
    func flush() async {
        while true {
            let batch = queued.withLock { queue -> [Queued] in
                let batch = Array(queue.prefix(Self.maxBatch))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            if await write(batch.map(\.record)) { continue }
            for var item in batch where !(await write([item.record])) {
                item.failedWrites += 1
                if item.failedWrites >= Self.maxWritesPerResult {
                    NotifierMetrics.resultDropped()
                    logger.error(
                        "an attempt's result cannot be written; dropped, the delivery will be attempted again",
                        metadata: ["delivery_id": "\(item.record.deliveryID)", "attempt": "\(item.record.attempt)"])
                } else {
                    queued.withLock { $0.append(item) }
                }
            }
            return
        }
    }

    private func write(_ batch: [AttemptRecord]) async -> Bool {
        do {
            let disabled = try await store.record(
                batch, disableAfterFailures: settings.disableAfterFailures, disableAfter: settings.disableAfter)
            for endpoint in disabled {
                NotifierMetrics.endpointDisabled()
                logger.warning(
                    "webhook endpoint disabled",
                    metadata: ["webhook_id": "\(endpoint.webhookID)", "user_id": "\(endpoint.userID)", "reason": "\(endpoint.reason)"])
            }
            alarms?.succeeded(Self.alarmName)
            return true
        } catch {
            alarms?.failed(Self.alarmName, error: error)
            logger.warning("writing attempt results failed", metadata: ["error": .error(error), "results": "\(batch.count)"])
            return false
        }
    }
}
