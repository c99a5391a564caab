import AsyncHTTPClient
import BallastCore
import BallastWebhooks
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Makes the attempts of deliveries: those the intake claimed as it stored them (handed over with `submit`), and due
/// ones it claims from Postgres (retries, and what an instance gave back), with the results going to `AttemptWriter`.
///
/// Claimed deliveries wait in a queue per endpoint, worked off by at most `endpointConcurrency` tasks per endpoint and
/// `globalConcurrency` in all. A delivery may wait only `maxQueueWait`, well inside its lease; one that waited longer
/// (its endpoint is slow) is released, due again for whichever instance has a slot. So an endpoint that hangs holds
/// its own slots and nothing else, and no claimed delivery outlives its lease unattempted here.
final class DeliveryDispatcher: Service, Sendable {
    /// How often due deliveries are looked for when nothing asks sooner.
    static let pollInterval: Duration = .milliseconds(500)
    /// The most deliveries one claim takes.
    static let claimLimit = 500
    /// The name failed claims are counted under in `WorkerAlarms` (failed deliveries are the endpoints' business, not
    /// an alarm: they back off, and disable the endpoint).
    static let alarmName = "webhook delivery claims"

    private struct Queued {
        var delivery: ClaimedDelivery
        var since: ContinuousClock.Instant
    }

    private struct Endpoint {
        var queue: [Queued] = []
        var head = 0
        var workers = 0

        var waiting: Int { queue.count - head }

        mutating func popFirst() -> Queued? {
            guard head < queue.count else { return nil }
            defer {
                head += 1
                if head > 64 && head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
            }
            return queue[head]
        }

        func peekFirst() -> Queued? { head < queue.count ? queue[head] : nil }
    }

    private struct State {
        var endpoints: [UUID: Endpoint] = [:]
        var workers = 0
        var waiting = 0
        var expired: [ClaimedDelivery] = []
        /// Set when a claim could find work now: at start, when a claim came back full, or when an endpoint that had
        /// more due than it could take runs out of queued work.
        var claimRequested = true
        var backlogged: Set<UUID> = []
    }

    private let store: WebhookDeliveryStore
    private let sender: WebhookSender
    private let writer: AttemptWriter
    private let settings: WebhookSettings
    /// How long a claimed delivery may wait here for a slot: its lease minus the attempt's timeout, with a margin.
    private let maxQueueWait: Duration
    /// The most deliveries waiting here at once; beyond it, handed-over deliveries are released at once.
    private let maxWaiting: Int
    private let wakeup = Wakeup()
    private let state = Mutex(State())
    private let alarms: WorkerAlarms?
    private let logger: Logger

    init(
        store: WebhookDeliveryStore, sender: WebhookSender, writer: AttemptWriter, settings: WebhookSettings,
        alarms: WorkerAlarms? = nil, logger: Logger
    ) {
        self.store = store
        self.alarms = alarms
        self.sender = sender
        self.writer = writer
        self.settings = settings
        self.maxQueueWait = max(.seconds(1), settings.lease - settings.timeout - .seconds(5))
        self.maxWaiting = settings.globalConcurrency * 20
        self.logger = logger
    }

    /// Deliveries the intake claimed in a transaction that has committed.
    func submit(_ deliveries: [ClaimedDelivery]) {
        guard !deliveries.isEmpty else { return }
        NotifierMetrics.claimed(deliveries.count, via: "intake")
        enqueue(deliveries)
        wakeup.wake()
    }

    /// Endpoints that have more work than slots here: their queue overflowed its wait or a claim filled their cap.
    func congestedEndpoints() -> Set<UUID> {
        state.withLock { $0.backlogged }
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            var lastClaim = ContinuousClock.now - Self.pollInterval
            var backoff = Backoff()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let (starts, expired) = plan()
                for endpoint in starts { group.addTask { await self.work(endpoint) } }
                await release(expired)
                let (requested, capacity) = state.withLock { ($0.claimRequested, settings.globalConcurrency - $0.workers - $0.waiting) }
                if (requested || ContinuousClock.now - lastClaim >= Self.pollInterval) && capacity > 0 {
                    state.withLock { $0.claimRequested = false }
                    lastClaim = ContinuousClock.now
                    do {
                        let limit = min(capacity, Self.claimLimit)
                        // Cancelled at shutdown (the database may be the reason it waits): a claim that committed
                        // anyway leaves its deliveries to the end of their lease.
                        let claimed = try await cancelWhenGracefulShutdown { try await self.claim(limit: limit) }
                        alarms?.succeeded(Self.alarmName)
                        backoff.reset()
                        if !claimed.isEmpty {
                            if claimed.count == limit { state.withLock { $0.claimRequested = true } }
                            continue
                        }
                    } catch  where Task.isShuttingDownGracefully {
                        break
                    } catch {
                        alarms?.failed(Self.alarmName, error: error)
                        logger.warning("claiming due deliveries failed", metadata: ["error": .error(error)])
                        try? await backoff.wait()
                        continue
                    }
                }
                let pause = max(.milliseconds(1), min(Self.pollInterval - (ContinuousClock.now - lastClaim), maxQueueWait))
                try? await cancelWhenGracefulShutdown { await self.wakeup.wait(upTo: pause) }
            }
            // Shutting down: each worker finishes its attempt under way and takes no other.
        }
        // What waited unattempted goes back at once rather than at the end of its lease.
        let left = state.withLock { state -> [ClaimedDelivery] in
            var left = state.expired
            for endpoint in state.endpoints.values { left += endpoint.queue[endpoint.head...].map(\.delivery) }
            state = State()
            return left
        }
        await release(left)
    }

    /// Queues `deliveries` at their endpoints; beyond `maxWaiting` they go back to the database instead.
    private func enqueue(_ deliveries: [ClaimedDelivery]) {
        let now = ContinuousClock.now
        state.withLock { state in
            for delivery in deliveries {
                if state.waiting >= maxWaiting {
                    state.expired.append(delivery)
                    state.backlogged.insert(delivery.endpointID)
                    continue
                }
                state.endpoints[delivery.endpointID, default: Endpoint()].queue.append(Queued(delivery: delivery, since: now))
                state.waiting += 1
            }
        }
    }

    /// The workers to start (one endpoint id per worker) and the deliveries that waited too long.
    private func plan() -> (starts: [UUID], expired: [ClaimedDelivery]) {
        let now = ContinuousClock.now
        return state.withLock { state in
            var starts: [UUID] = []
            var expired = state.expired
            state.expired = []
            for (id, var endpoint) in state.endpoints {
                // Queues are in arrival order: what waited too long is at the front.
                while let first = endpoint.peekFirst(), now - first.since > maxQueueWait {
                    _ = endpoint.popFirst()
                    state.waiting -= 1
                    expired.append(first.delivery)
                    state.backlogged.insert(id)
                }
                var wanted = min(endpoint.waiting, settings.endpointConcurrency) - endpoint.workers
                while wanted > 0 && state.workers < settings.globalConcurrency {
                    endpoint.workers += 1
                    state.workers += 1
                    starts.append(id)
                    wanted -= 1
                }
                if endpoint.workers == 0 && endpoint.waiting == 0 {
                    state.endpoints[id] = nil
                } else {
                    state.endpoints[id] = endpoint
                }
            }
            return (starts, expired)
        }
    }

    /// Claims due deliveries within the caps (counting what runs and waits here) and queues them. An endpoint that got
    /// all it had room for may have more due: marked backlogged, its queue running dry triggers the next claim.
    private func claim(limit: Int) async throws -> [ClaimedDelivery] {
        let busy = state.withLock { state in state.endpoints.mapValues { $0.workers + $0.waiting } }
        let claimed = try await store.claimDue(
            limit: limit, inFlight: busy, endpointConcurrency: settings.endpointConcurrency, lease: settings.lease)
        NotifierMetrics.claimed(claimed.count, via: "claim")
        let perEndpoint = Dictionary(grouping: claimed, by: \.endpointID).mapValues(\.count)
        state.withLock { state in
            for (endpoint, count) in perEndpoint {
                if count >= settings.endpointConcurrency - (busy[endpoint] ?? 0) {
                    state.backlogged.insert(endpoint)
                } else {
                    state.backlogged.remove(endpoint)
                }
            }
            // A backlogged endpoint the claim could serve and found nothing due for has caught up.
            if claimed.count < limit {
                state.backlogged = state.backlogged.filter { endpoint in
                    perEndpoint[endpoint] != nil || (busy[endpoint] ?? 0) >= settings.endpointConcurrency
                }
            }
        }
        enqueue(claimed)
        return claimed
    }

    /// One of an endpoint's workers: attempts its queued deliveries one after another until none is left.
    private func work(_ endpoint: UUID) async {
        enum Next {
            case attempt(ClaimedDelivery)
            case skip
            case done(wake: Bool)
        }
        while true {
            let next = state.withLock { state -> Next in
                if !Task.isShuttingDownGracefully, let queued = state.endpoints[endpoint]?.popFirst() {
                    state.waiting -= 1
                    if ContinuousClock.now - queued.since <= maxQueueWait { return .attempt(queued.delivery) }
                    state.expired.append(queued.delivery)
                    return .skip
                }
                state.endpoints[endpoint]?.workers -= 1
                state.workers -= 1
                // Only a backlogged endpoint's dry queue is news for the claim loop.
                guard state.backlogged.contains(endpoint) else { return .done(wake: false) }
                state.claimRequested = true
                return .done(wake: true)
            }
            switch next {
            case .attempt(let delivery):
                await attempt(delivery)
                if Task.isCancelled { return }
            case .skip:
                continue
            case .done(let wake):
                if wake { wakeup.wake() }
                return
            }
        }
    }

    private func attempt(_ delivery: ClaimedDelivery) async {
        let result = await sender.attempt(delivery)
        // Cut short by shutdown running out of time: no result. The lease ends and the attempt is made again.
        if Task.isCancelled { return }
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
    }

    /// Gives `deliveries` back to the database, due at once; a failure only delays them to the end of their lease.
    func release(_ deliveries: [ClaimedDelivery]) async {
        guard !deliveries.isEmpty else { return }
        do {
            try await store.release(deliveries)
        } catch {
            // Their leases end and they are claimed again; nothing is lost.
            logger.warning("releasing deliveries failed", metadata: ["error": .error(error), "deliveries": "\(deliveries.count)"])
        }
    }
}
