import AsyncHTTPClient
import BallastCore
import BallastWebhooks
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Makes the attempts of deliveries: those the intake claimed as it stored them (handed over with `submit`), and due
/// ones it claims from Postgres (retries, and what any instance could not start), each attempt in its own task, the
/// results to `AttemptWriter`.
///
/// Isolation: at most `endpointConcurrency` attempts per endpoint and `globalConcurrency` in all run at once in
/// this instance. A submitted delivery without a slot is released (due again for whoever has one); a claim takes
/// only what fits. So an endpoint that hangs holds its own slots until its timeout, and nothing else.
final class DeliveryDispatcher: Service, Sendable {
    /// How often due deliveries are looked for when nothing asks sooner.
    static let pollInterval: Duration = .milliseconds(500)
    /// The most deliveries one claim takes.
    static let claimLimit = 500

    private struct State {
        var inFlight: [UUID: Int] = [:]
        var running = 0
        var submitted: [ClaimedDelivery] = []
        /// Set when a claim could find work now: at start, when a claim came back full, when a slot frees up at an
        /// endpoint that had more due than its cap, or when all slots were taken.
        var claimRequested = true
        var backlogged: Set<UUID> = []
    }

    private let store: WebhookDeliveryStore
    private let sender: WebhookSender
    private let writer: AttemptWriter
    private let settings: WebhookSettings
    private let wakeup = Wakeup()
    private let state = Mutex(State())
    private let logger: Logger

    init(store: WebhookDeliveryStore, sender: WebhookSender, writer: AttemptWriter, settings: WebhookSettings, logger: Logger) {
        self.store = store
        self.sender = sender
        self.writer = writer
        self.settings = settings
        self.logger = logger
    }

    /// Deliveries the intake claimed in a transaction that has committed: attempted now if slots allow.
    func submit(_ deliveries: [ClaimedDelivery]) {
        guard !deliveries.isEmpty else { return }
        state.withLock { $0.submitted.append(contentsOf: deliveries) }
        wakeup.wake()
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            var lastClaim = ContinuousClock.now - Self.pollInterval
            var backoff = Backoff()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let (started, unplaced) = takeSubmitted()
                for delivery in started { group.addTask { await self.attempt(delivery) } }
                if !unplaced.isEmpty {
                    do {
                        try await store.release(unplaced)
                    } catch {
                        // Their lease ends and they are claimed again; nothing is lost.
                        logger.warning("releasing deliveries failed", metadata: ["error": .error(error), "deliveries": "\(unplaced.count)"])
                    }
                }
                let free = settings.globalConcurrency - state.withLock { $0.running }
                let claimNow = state.withLock { $0.claimRequested } || ContinuousClock.now - lastClaim >= Self.pollInterval
                if claimNow && free > 0 {
                    state.withLock { $0.claimRequested = false }
                    lastClaim = ContinuousClock.now
                    do {
                        let claimed = try await claim(limit: min(free, Self.claimLimit))
                        backoff.reset()
                        for delivery in claimed { group.addTask { await self.attempt(delivery) } }
                        if claimed.count == min(free, Self.claimLimit) { continue }
                    } catch {
                        logger.warning("claiming due deliveries failed", metadata: ["error": .error(error)])
                        try? await backoff.wait()
                        continue
                    }
                }
                let pause = max(.milliseconds(1), Self.pollInterval - (ContinuousClock.now - lastClaim))
                try? await cancelWhenGracefulShutdown { await self.wakeup.wait(upTo: pause) }
            }
            // Shutting down: attempts under way finish (each within its timeout), their results are queued.
        }
        let unstarted = state.withLock { state in
            defer { state.submitted = [] }
            return state.submitted
        }
        try? await store.release(unstarted)
    }

    /// Splits what the intake handed over into what starts now and what has no slot.
    private func takeSubmitted() -> (started: [ClaimedDelivery], unplaced: [ClaimedDelivery]) {
        state.withLock { state in
            var started: [ClaimedDelivery] = []
            var unplaced: [ClaimedDelivery] = []
            for delivery in state.submitted {
                if state.running < settings.globalConcurrency && state.inFlight[delivery.endpointID, default: 0] < settings.endpointConcurrency {
                    state.inFlight[delivery.endpointID, default: 0] += 1
                    state.running += 1
                    started.append(delivery)
                } else {
                    state.backlogged.insert(delivery.endpointID)
                    unplaced.append(delivery)
                }
            }
            state.submitted = []
            return (started, unplaced)
        }
    }

    /// Claims due deliveries within the caps and counts them in flight. An endpoint that got as many as its free
    /// slots may have more due: it is marked backlogged, so that its next free slot triggers a claim.
    private func claim(limit: Int) async throws -> [ClaimedDelivery] {
        let busy = state.withLock { $0.inFlight }
        let claimed = try await store.claimDue(
            limit: limit, inFlight: busy, endpointConcurrency: settings.endpointConcurrency, lease: settings.lease)
        let perEndpoint = Dictionary(grouping: claimed, by: \.endpointID).mapValues(\.count)
        state.withLock { state in
            for (endpoint, count) in perEndpoint {
                state.inFlight[endpoint, default: 0] += count
                if count >= settings.endpointConcurrency - (busy[endpoint] ?? 0) {
                    state.backlogged.insert(endpoint)
                } else {
                    state.backlogged.remove(endpoint)
                }
            }
            state.running += claimed.count
        }
        return claimed
    }

    private func attempt(_ delivery: ClaimedDelivery) async {
        let result = await sender.attempt(delivery)
        if Task.isCancelled {
            // Cut short by shutdown running out of time: no result. The lease ends and the attempt is made again.
            finish(delivery)
            return
        }
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
        writer.add(record)
        finish(delivery)
    }

    private func finish(_ delivery: ClaimedDelivery) {
        let wake = state.withLock { state -> Bool in
            let wasFull = state.running >= settings.globalConcurrency
            state.running -= 1
            let left = (state.inFlight[delivery.endpointID] ?? 1) - 1
            state.inFlight[delivery.endpointID] = left > 0 ? left : nil
            if wasFull || state.backlogged.contains(delivery.endpointID) {
                state.claimRequested = true
                return true
            }
            return false
        }
        if wake { wakeup.wake() }
    }
}
