import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Sends what `WorkerAlarms` raises and resolves as `system.alert` and `system.alert.resolved` events on
/// `ballast:events`, one per recipient: every admin (a user with an active admin API key), and the user whose work
/// failed when every counted failure was theirs. Keeps `ballast_worker_alerting{worker}` at 1 while an episode lasts and
/// counts episodes in `ballast_worker_alert_episodes_total{worker}`.
///
/// The failing thing may be the database itself, so the outbox is tried first (the events then reach the stream with
/// the relay, like any other) and the stream directly when the outbox cannot be written, with the admins as last read.
/// When neither works the alert is tried again with backoff; later alerts wait behind it, in order. Workers never wait
/// for any of this: they only report to `WorkerAlarms`.
public final class AlertPublisher: Service, Sendable {
    public enum Failure: Error, CustomStringConvertible {
        /// The database could not be asked who the admins are, and they were never read before.
        case recipientsUnknown

        public var description: String {
            switch self {
            case .recipientsUnknown: "no recipient known: the admins could not be read from the database yet"
            }
        }
    }

    /// How long the outbox may take before the stream is tried directly: a database that hangs is as good as down.
    static let outboxTimeout: Duration = .seconds(5)

    private let alarms: WorkerAlarms
    private let database: PostgresClient
    private let producer: StreamProducer
    private let stream: String
    private let service: String
    private let instance: String
    private let outboxWakeup: Wakeup?
    private let logger: Logger
    /// The admins as last read: the recipients when the database cannot say.
    private let knownAdmins = Mutex<[UUID]>([])

    public init(
        alarms: WorkerAlarms,
        database: PostgresClient,
        producer: StreamProducer,
        service: String,
        instance: String,
        stream: String = StreamName.events,
        outboxWakeup: Wakeup? = nil,
        logger: Logger
    ) {
        self.alarms = alarms
        self.database = database
        self.producer = producer
        self.service = service
        self.instance = instance
        self.stream = stream
        self.outboxWakeup = outboxWakeup
        self.logger = logger
    }

    /// Sends notices until the process stops; those queued when it begins to stop are still sent (one try each).
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.resolveQuietEpisodes() }
            group.addTask {
                await withGracefulShutdownHandler {
                    for await notice in self.alarms.notices { await self.send(notice) }
                } onGracefulShutdown: {
                    self.alarms.finishNotices()
                }
            }
        }
    }

    /// Ends, a few times per window, the episodes of workers that stopped failing but had nothing to succeed at since.
    private func resolveQuietEpisodes() async {
        let interval = min(.seconds(5), alarms.settings.window / 10)
        while await pause(interval) {
            alarms.resolveQuiet()
        }
    }

    private func send(_ notice: WorkerAlarms.Notice) async {
        let alert = SystemAlert(notice, service: service, instance: instance, window: alarms.settings.window)
        record(alert)
        // One envelope id per recipient, the same on every try: if an attempt that seemed to fail went through after
        // all, the notifier still delivers each event once.
        var ids: [UUID: String] = [:]
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(30))
        while true {
            do {
                let recipients = try await withTimeout(Self.outboxTimeout) { try await self.admins() }
                knownAdmins.withLock { $0 = recipients }
                let events = try envelopes(of: alert, owner: notice.transition.episode.owner, admins: recipients, ids: &ids)
                guard !events.isEmpty else {
                    logger.warning(
                        "no admin user to send the alert to: create one with `ballast api-key create --admin`",
                        metadata: ["worker": "\(alert.worker)", "event": "\(alert.type)"])
                    return
                }
                try await withTimeout(Self.outboxTimeout) { try await self.enqueue(events) }
                outboxWakeup?.wake()
                return
            } catch {
                logger.warning(
                    "the alert cannot go through the outbox; sending it to the stream directly",
                    metadata: ["worker": "\(alert.worker)", "event": "\(alert.type)", "error": .error(error)])
            }
            do {
                let admins = knownAdmins.withLock { $0 }
                let events = try envelopes(of: alert, owner: notice.transition.episode.owner, admins: admins, ids: &ids)
                guard !events.isEmpty else { throw Failure.recipientsUnknown }
                try await producer.publish(events.map { (stream, $0) })
                return
            } catch {
                logger.error(
                    "the alert cannot be sent; trying again",
                    metadata: ["worker": "\(alert.worker)", "event": "\(alert.type)", "error": .error(error)])
            }
            guard await pause(backoff.nextDelay()) else {
                logger.error(
                    "the alert was not sent: the process is stopping", metadata: ["worker": "\(alert.worker)", "event": "\(alert.type)"])
                return
            }
        }
    }

    /// Logs the transition and keeps the metrics, before any attempt to send: they hold even when nothing can be sent.
    private func record(_ alert: SystemAlert) {
        let dimensions = [("worker", alert.worker)]
        let metadata: Logger.Metadata = [
            "worker": "\(alert.worker)", "failures": "\(alert.failures)", "first_error": "\(alert.firstError)",
            "last_error": "\(alert.lastError)", "started_at": "\(RFC3339.string(from: alert.startedAt))",
        ]
        if alert.resolvedAt == nil {
            Gauge(label: "ballast_worker_alerting", dimensions: dimensions).record(1)
            Counter(label: "ballast_worker_alert_episodes_total", dimensions: dimensions).increment()
            logger.error("worker keeps failing: alert raised", metadata: metadata)
        } else {
            Gauge(label: "ballast_worker_alerting", dimensions: dimensions).record(0)
            logger.notice("worker recovered: alert resolved", metadata: metadata)
        }
    }

    /// Users with an active admin API key.
    private func admins() async throws -> [UUID] {
        // `api_keys` belongs to `UserStore` (BallastUsers), which sits above this library; this is its one read here.
        let rows = try await database.query(
            "SELECT DISTINCT user_id FROM api_keys WHERE is_admin AND revoked_at IS NULL ORDER BY user_id", logger: logger)
        var admins: [UUID] = []
        for try await id in rows.decode(UUID.self) { admins.append(id) }
        return admins
    }

    private func enqueue(_ envelopes: [Envelope]) async throws {
        let stream = self.stream
        let logger = self.logger
        try await database.withConnection { connection in
            try await Outbox.enqueue(envelopes, to: stream, on: connection, logger: logger)
        }
    }

    /// One event per recipient: the owner of the failing work, when known, and every admin.
    private func envelopes(of alert: SystemAlert, owner: UUID?, admins: [UUID], ids: inout [UUID: String]) throws -> [Envelope] {
        var recipients = admins
        if let owner, !recipients.contains(owner) { recipients.insert(owner, at: 0) }
        return try recipients.map { user in
            let id = ids[user] ?? UUID.random().uuidString.lowercased()
            ids[user] = id
            return try Envelope(
                id: id, type: alert.type, timestamp: alert.occurredAt,
                payload: EventBody(event: alert.type, timestamp: alert.occurredAt, userID: user, data: alert))
        }
    }

    /// Sleeps; false when the process is stopping.
    private func pause(_ duration: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
            return true
        } catch {
            return false
        }
    }
}
