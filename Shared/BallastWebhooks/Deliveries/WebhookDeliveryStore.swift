import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `webhook_events`, `webhook_deliveries` and `webhook_attempts`: which event goes to which endpoint,
/// when it is due, and every attempt's result.
public struct WebhookDeliveryStore: Sendable {
    public enum RetryOutcome: Sendable, Equatable {
        case scheduled
        case notFound
        case alreadyPending
        case endpointDisabled
    }

    let database: PostgresClient
    let logger: Logger
    let outboxWakeup: Wakeup?

    public init(database: PostgresClient, outboxWakeup: Wakeup? = nil, logger: Logger) {
        self.database = database
        self.outboxWakeup = outboxWakeup
        self.logger = logger
    }

    // MARK: Events in

    /// Stores `events` and one delivery for each endpoint of their owner that receives their type, in the caller's
    /// transaction (the consumer's, beside the messages' `processed_messages` rows). A disabled endpoint gets a
    /// `missed` delivery that `recover` can send later.
    ///
    /// With a `lease`, the deliveries to enabled endpoints are claimed for their first attempt as they are written
    /// (no second statement, no claim query) and returned for the caller to attempt once the transaction commits;
    /// without one, and for the endpoints in `unclaimed` (the caller has more for them than it can send), they are
    /// due at once for any instance's `claimDue`.
    @discardableResult
    public static func store(
        _ events: [WebhookEvent], claimingFor lease: Duration? = nil, except unclaimed: Set<UUID> = [], on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [ClaimedDelivery] {
        guard !events.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(
                    \(events.map(\.id))::text[], \(events.map(\.type))::text[], \(events.map(\.userID))::uuid[],
                    \(events.map(\.payload))::text[], \(events.map(\.occurredAt))::timestamptz[]
                ) AS e(id, event_type, user_id, payload, occurred_at)
            ),
            matches AS (
                SELECT i.id AS event_id, w.id AS endpoint_id, w.enabled, w.url, w.secret,
                    w.enabled AND \(lease != nil) AND NOT (w.id = ANY(\(Array(unclaimed))::uuid[])) AS claim,
                    CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret
                FROM input i JOIN webhook_endpoints w
                  ON w.user_id = i.user_id AND (i.event_type = ANY(w.event_types) OR '*' = ANY(w.event_types))
            ),
            stored AS (
                INSERT INTO webhook_events (id, user_id, event_type, payload, occurred_at)
                SELECT i.id, i.user_id, i.event_type, i.payload, i.occurred_at FROM input i
                WHERE i.id IN (SELECT event_id FROM matches)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            ),
            delivered AS (
                INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
                SELECT gen_random_uuid(), m.event_id, m.endpoint_id, CASE WHEN m.enabled THEN 'pending' ELSE 'missed' END,
                    CASE WHEN m.claim THEN 1 ELSE 0 END,
                    CASE WHEN m.claim THEN now() + \(lease?.wholeMilliseconds ?? 0) * interval '1 millisecond'
                         WHEN m.enabled THEN now() END
                FROM matches m JOIN stored s ON s.id = m.event_id
                RETURNING id, event_id, endpoint_id, attempt_count
            )
            SELECT d.id, d.attempt_count, 1, false, d.endpoint_id, m.url, m.secret, m.previous_secret,
                i.id, i.event_type, i.user_id, i.payload, i.occurred_at
            FROM delivered d JOIN matches m ON m.event_id = d.event_id AND m.endpoint_id = d.endpoint_id
            JOIN input i ON i.id = d.event_id
            WHERE d.attempt_count = 1
            """,
            logger: logger
        )
        return try await claimed(rows)
    }

    /// Gives claimed deliveries back unattempted (the instance had no slot for them): due again at once, their
    /// attempt uncounted. A delivery claimed again since (the lease ended) is left alone.
    public func release(_ deliveries: [ClaimedDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        try await database.query(
            """
            UPDATE webhook_deliveries d SET attempt_count = d.attempt_count - 1, next_attempt_at = now(), updated_at = now()
            FROM unnest(\(deliveries.map(\.id))::uuid[], \(deliveries.map { Int32($0.attempt) })::int4[]) AS r(id, number)
            WHERE d.id = r.id AND d.attempt_count = r.number AND d.status = 'pending'
            """,
            logger: logger
        )
    }

    // MARK: Attempts

    /// Claims up to `limit` due deliveries of enabled endpoints for one attempt each, at most `endpointConcurrency`
    /// per endpoint counting the `inFlight` attempts this instance already makes. A claim counts the attempt and moves
    /// `next_attempt_at` by `lease`: no other instance takes the delivery meanwhile, and if this one dies, the
    /// delivery is due again when the lease ends.
    public func claimDue(limit: Int, inFlight: [UUID: Int], endpointConcurrency: Int, lease: Duration) async throws -> [ClaimedDelivery] {
        let saturated = inFlight.filter { $0.value >= endpointConcurrency }.map(\.key)
        let busy = inFlight.filter { $0.value < endpointConcurrency }
        let rows = try await database.query(
            """
            WITH candidates AS (
                SELECT d.id, d.endpoint_id, d.next_attempt_at
                FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.enabled
                  AND NOT (d.endpoint_id = ANY(\(saturated)::uuid[]))
                ORDER BY d.next_attempt_at
                LIMIT \(limit * 4)
                FOR UPDATE OF d SKIP LOCKED
            ),
            busy AS (
                SELECT * FROM unnest(\(Array(busy.keys))::uuid[], \(busy.values.map { Int32($0) })::int4[]) AS b(endpoint_id, in_flight)
            ),
            chosen AS (
                SELECT r.id FROM (
                    SELECT c.id, c.endpoint_id, c.next_attempt_at,
                        row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at, c.id) AS rank
                    FROM candidates c
                ) r LEFT JOIN busy b USING (endpoint_id)
                WHERE r.rank + coalesce(b.in_flight, 0) <= \(endpointConcurrency)
                ORDER BY r.next_attempt_at
                LIMIT \(limit)
            )
            UPDATE webhook_deliveries d SET
                attempt_count = d.attempt_count + 1,
                next_attempt_at = now() + \(lease.wholeMilliseconds) * interval '1 millisecond',
                updated_at = now()
            FROM chosen c, webhook_events e, webhook_endpoints w
            WHERE d.id = c.id AND e.id = d.event_id AND w.id = d.endpoint_id
            RETURNING \(unescaped: Self.claimedColumns)
            """,
            logger: logger
        )
        return try await Self.claimed(rows)
    }

    /// Creates a `webhook.test` delivery to `endpoint` of `user`, claimed for its one attempt by the caller; nil when
    /// the user has no such endpoint.
    public func createTest(endpoint: UUID, user: UUID, lease: Duration) async throws -> ClaimedDelivery? {
        let target = try await database.query(
            """
            SELECT url, secret, CASE WHEN previous_secret_until > now() THEN previous_secret END
            FROM webhook_endpoints WHERE id = \(endpoint) AND user_id = \(user)
            """,
            logger: logger
        )
        var found: (url: String, secrets: [String])?
        for try await (url, secret, previous) in target.decode((String, String, String?).self) {
            found = (url, [secret] + (previous.map { [$0] } ?? []))
        }
        guard let found else { return nil }
        let now = Date()
        let envelope = try Envelope.event(
            WebhookEventType.test, userID: user, at: now,
            data: TestEventData(webhookID: endpoint, message: "This is a test event from Ballast."))
        let deliveryID = UUID.random()
        try await database.query(
            """
            WITH event AS (
                INSERT INTO webhook_events (id, user_id, event_type, payload, occurred_at)
                VALUES (\(envelope.id), \(user), \(WebhookEventType.test), \(envelope.data), \(now))
                RETURNING id
            )
            INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, is_test, attempt_count, next_attempt_at)
            SELECT \(deliveryID), event.id, \(endpoint), 'pending', true, 1,
                now() + \(lease.wholeMilliseconds) * interval '1 millisecond'
            FROM event
            """,
            logger: logger
        )
        return ClaimedDelivery(
            id: deliveryID, attempt: 1, attemptInRound: 1, isTest: true, endpointID: endpoint, url: found.url, secrets: found.secrets,
            event: WebhookEvent(id: envelope.id, type: WebhookEventType.test, userID: user, payload: envelope.data, occurredAt: now)
        )
    }

    /// Writes the attempts' results in one transaction: the attempt log, each delivery's next state (only by the
    /// instance that made its latest attempt), the endpoints' failure streaks; then disables the endpoints whose
    /// streak reached `disableAfterFailures` over at least `disableAfter`, announcing each with `webhook.disabled`.
    public func record(_ records: [AttemptRecord], disableAfterFailures: Int, disableAfter: Duration) async throws -> [DisabledEndpoint] {
        guard !records.isEmpty else { return [] }
        let logger = self.logger
        let disabled = try await database.transaction(logger: logger) { connection -> [DisabledEndpoint] in
            let endpointIDs = Array(Set(records.map(\.endpointID)))
            // Endpoints in one order, so that two instances writing results for the same endpoints never deadlock.
            // NO KEY UPDATE: the intake's inserts hold KEY SHARE on the endpoints they deliver to, which this must
            // not wait for (nor they for it).
            let locked = try await connection.query(
                """
                SELECT w.id FROM webhook_endpoints w
                WHERE w.id = ANY(\(endpointIDs)::uuid[])
                ORDER BY w.id FOR NO KEY UPDATE OF w
                """,
                logger: logger
            )
            var endpoints: [UUID] = []
            for try await id in locked.decode(UUID.self) { endpoints.append(id) }
            try await connection.query(Self.recordStatement(records), logger: logger)
            let rows = try await connection.query(
                """
                UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), updated_at = now(),
                    disabled_reason = failure_count || ' consecutive failed deliveries since '
                        || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                WHERE id = ANY(\(endpoints)::uuid[]) AND enabled AND failure_count >= \(disableAfterFailures)
                  AND failing_since <= now() - \(disableAfter.wholeMilliseconds) * interval '1 millisecond'
                RETURNING id, user_id, url, failure_count, disabled_reason
                """,
                logger: logger
            )
            var disabled: [DisabledEndpoint] = []
            for try await (id, user, url, failures, reason) in rows.decode((UUID, UUID, String, Int32, String).self) {
                disabled.append(DisabledEndpoint(webhookID: id, userID: user, url: url, failureCount: Int(failures), reason: reason))
            }
            let announcements = try disabled.map { endpoint in
                try Envelope.event(WebhookEventType.disabled, userID: endpoint.userID, at: Date(), data: endpoint)
            }
            try await Outbox.enqueue(announcements, to: StreamName.events, on: connection, logger: logger)
            return disabled
        }
        if !disabled.isEmpty { outboxWakeup?.wake() }
        return disabled
    }

    private static func recordStatement(_ records: [AttemptRecord]) -> PostgresQuery {
        let never = Date(timeIntervalSince1970: 0)
        let statuses = records.map { record -> String in
            switch record.next {
            case .succeeded: "succeeded"
            case .retry: "pending"
            case .failed: "failed"
            }
        }
        let nextAttempts = records.map { record -> Date in
            if case .retry(let date) = record.next { return date }
            return never
        }
        return """
            WITH input AS (
                SELECT * FROM unnest(
                    \(records.map(\.deliveryID))::uuid[], \(records.map { Int32($0.attempt) })::int4[],
                    \(records.map(\.result.attemptedAt))::timestamptz[],
                    \(records.map { Int32(clamping: $0.result.duration.wholeMilliseconds) })::int4[],
                    \(records.map { Int32($0.result.statusCode ?? 0) })::int4[],
                    \(records.map { Self.storable($0.result.responseExcerpt) })::text[],
                    \(records.map { Self.storable($0.result.error) })::text[],
                    \(statuses)::text[], \(nextAttempts)::timestamptz[], \(records.map(\.result.succeeded))::bool[]
                ) AS r(delivery_id, number, attempted_at, duration_ms, status_code, excerpt, error, status, next_attempt_at, succeeded)
                WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = r.delivery_id)
            ),
            logged AS (
                INSERT INTO webhook_attempts (delivery_id, number, attempted_at, duration_ms, status_code, response_excerpt, error)
                SELECT delivery_id, number, attempted_at, duration_ms, nullif(status_code, 0), nullif(excerpt, ''), nullif(error, '')
                FROM input
                ON CONFLICT DO NOTHING
            ),
            updated AS (
                UPDATE webhook_deliveries d SET
                    status = i.status, next_attempt_at = CASE WHEN i.status = 'pending' THEN i.next_attempt_at END, updated_at = now()
                FROM input i
                WHERE d.id = i.delivery_id AND d.attempt_count = i.number AND d.status = 'pending'
                RETURNING d.endpoint_id, d.is_test, i.status, i.attempted_at, i.succeeded
            ),
            counted AS (
                -- Test deliveries count toward no streak.
                SELECT u.endpoint_id, u.status, u.attempted_at, u.succeeded FROM updated u WHERE NOT u.is_test
            ),
            last_success AS (
                SELECT endpoint_id, max(attempted_at) AS at FROM counted WHERE succeeded GROUP BY endpoint_id
            ),
            streaks AS (
                -- A success ends the endpoint's streak; what failed after the batch's last success starts the next:
                -- deliveries whose schedule ran out count, and the streak began at its first failed attempt.
                SELECT c.endpoint_id, ls.at AS succeeded_at,
                    count(*) FILTER (WHERE c.status = 'failed' AND (ls.at IS NULL OR c.attempted_at > ls.at)) AS failures,
                    min(c.attempted_at) FILTER (WHERE NOT c.succeeded AND (ls.at IS NULL OR c.attempted_at > ls.at)) AS first_failure
                FROM counted c LEFT JOIN last_success ls USING (endpoint_id)
                GROUP BY c.endpoint_id, ls.at
            ),
            touched AS (
                SELECT endpoint_id, max(attempted_at) AS last_attempt FROM updated GROUP BY endpoint_id
            )
            UPDATE webhook_endpoints w SET
                last_attempt_at = greatest(w.last_attempt_at, t.last_attempt),
                failure_count = CASE WHEN s.endpoint_id IS NULL THEN w.failure_count
                    WHEN s.succeeded_at IS NULL THEN w.failure_count + s.failures ELSE s.failures END,
                failing_since = CASE WHEN s.endpoint_id IS NULL THEN w.failing_since
                    WHEN s.succeeded_at IS NULL THEN coalesce(w.failing_since, s.first_failure)
                    ELSE s.first_failure END
            FROM touched t LEFT JOIN streaks s USING (endpoint_id)
            WHERE w.id = t.endpoint_id
            """
    }

    /// `text` without NUL, which a PostgreSQL text refuses (a binary answer's excerpt); "" for none.
    private static func storable(_ text: String?) -> String {
        guard let text else { return "" }
        return text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "") : text
    }

    // MARK: The API

    /// The deliveries of `endpoint` matching `filter`, newest first; nil when `user` has no such endpoint.
    public func deliveries(of endpoint: UUID, user: UUID, matching filter: DeliveryFilter) async throws -> Page<DeliveryView>? {
        guard try await owns(endpoint, user: user) else { return nil }
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.viewColumns), (extract(epoch FROM d.created_at) * 1000000)::int8
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.endpoint_id = \(endpoint)
              AND (\(filter.status)::text IS NULL OR d.status = \(filter.status))
              AND (\(filter.after?.microseconds)::bigint IS NULL OR (d.created_at, d.id) < (
                  to_timestamp(0) + \(filter.after?.microseconds)::bigint::float8 * interval '1 microsecond', \(filter.after?.id)::uuid))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT \(filter.limit + 1)
            """,
            logger: logger
        )
        var items: [(DeliveryView, PageCursor)] = []
        for try await row in rows {
            let view = try Self.view(row)
            items.append((view, PageCursor(microseconds: try row[row.index(row.startIndex, offsetBy: 10)].decode(Int64.self), id: view.id)))
        }
        return Page(items, limit: filter.limit)
    }

    /// Delivery `id` of one of `user`'s endpoints, with its payload and every attempt.
    public func delivery(_ id: UUID, user: UUID) async throws -> DeliveryView? {
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.viewColumns), e.payload
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            JOIN webhook_endpoints w ON w.id = d.endpoint_id
            WHERE d.id = \(id) AND w.user_id = \(user)
            """,
            logger: logger
        )
        var found: DeliveryView?
        for try await row in rows {
            found = try Self.view(row)
            found?.payload = try row[row.index(row.startIndex, offsetBy: 10)].decode(String.self)
        }
        guard var view = found else { return nil }
        let attempts = try await database.query(
            """
            SELECT number, attempted_at, duration_ms, status_code, response_excerpt, error
            FROM webhook_attempts WHERE delivery_id = \(id) ORDER BY number
            """,
            logger: logger
        )
        view.attempts = []
        for try await (number, at, duration, code, excerpt, error) in attempts.decode((Int32, Date, Int32, Int32?, String?, String?).self) {
            view.attempts?.append(
                AttemptView(
                    number: Int(number), attemptedAt: at, durationMs: Int(duration), statusCode: code.map(Int.init),
                    responseExcerpt: excerpt, error: error))
        }
        return view
    }

    /// Sends delivery `id` again now, with a fresh retry schedule.
    public func retry(_ id: UUID, user: UUID) async throws -> RetryOutcome {
        let rows = try await database.query(
            """
            WITH target AS (
                SELECT d.id, d.status, w.enabled FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE d.id = \(id) AND w.user_id = \(user)
                FOR UPDATE OF d
            ),
            rescheduled AS (
                UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(),
                    round_first_attempt = d.attempt_count + 1, updated_at = now()
                FROM target t WHERE d.id = t.id AND t.status <> 'pending' AND t.enabled
                RETURNING d.id
            )
            SELECT t.status, t.enabled, EXISTS (SELECT 1 FROM rescheduled) FROM target t
            """,
            logger: logger
        )
        for try await (status, enabled, rescheduled) in rows.decode((String, Bool, Bool).self) {
            if rescheduled { return .scheduled }
            return status == "pending" ? .alreadyPending : (enabled ? .alreadyPending : .endpointDisabled)
        }
        return .notFound
    }

    /// Sends again the failed and missed deliveries of `endpoint` created since `since`; nil when `user` has no such
    /// endpoint. Returns how many were scheduled.
    public func recover(endpoint: UUID, user: UUID, since: Date) async throws -> Int? {
        guard try await owns(endpoint, user: user) else { return nil }
        let rows = try await database.query(
            """
            WITH rescheduled AS (
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),
                    round_first_attempt = attempt_count + 1, updated_at = now()
                WHERE endpoint_id = \(endpoint) AND status IN ('failed', 'missed') AND NOT is_test AND created_at >= \(since)
                RETURNING 1
            )
            SELECT count(*) FROM rescheduled
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    // MARK: Metrics

    /// Deliveries due now and not being attempted, and endpoints disabled: the notifier's gauges.
    public func backlog() async throws -> (due: Int, disabledEndpoints: Int) {
        let rows = try await database.query(
            """
            SELECT (SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
                    WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.enabled),
                   (SELECT count(*) FROM webhook_endpoints WHERE NOT enabled)
            """,
            logger: logger
        )
        for try await (due, disabled) in rows.decode((Int, Int).self) { return (due, disabled) }
        return (0, 0)
    }

    // MARK: Rows

    private func owns(_ endpoint: UUID, user: UUID) async throws -> Bool {
        let rows = try await database.query(
            "SELECT 1 FROM webhook_endpoints WHERE id = \(endpoint) AND user_id = \(user)", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    private static let claimedColumns = """
        d.id, d.attempt_count, d.round_first_attempt, d.is_test, d.endpoint_id, w.url, w.secret,
        CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END,
        e.id, e.event_type, e.user_id, e.payload, e.occurred_at
        """

    private static func claimed(_ rows: PostgresRowSequence) async throws -> [ClaimedDelivery] {
        var claimed: [ClaimedDelivery] = []
        let columns = (UUID, Int32, Int32, Bool, UUID, String, String, String?, String, String, UUID, String, Date).self
        for try await (id, attempt, roundFirst, isTest, endpoint, url, secret, previous, eventID, type, user, payload, occurred)
            in rows.decode(columns)
        {
            claimed.append(
                ClaimedDelivery(
                    id: id, attempt: Int(attempt), attemptInRound: Int(attempt - roundFirst + 1), isTest: isTest, endpointID: endpoint,
                    url: url, secrets: [secret] + (previous.map { [$0] } ?? []),
                    event: WebhookEvent(id: eventID, type: type, userID: user, payload: payload, occurredAt: occurred)
                ))
        }
        return claimed
    }

    private static let viewColumns = """
        d.id, d.endpoint_id, d.event_id, e.event_type, d.status, d.is_test, d.attempt_count, d.next_attempt_at, d.created_at,
        d.updated_at
        """

    /// The delivery in the first columns of `row` (`viewColumns`); a listing adds more after them.
    private static func view(_ row: PostgresRow) throws -> DeliveryView {
        let cells = Array(row)
        return DeliveryView(
            id: try cells[0].decode(UUID.self), webhookID: try cells[1].decode(UUID.self), eventID: try cells[2].decode(String.self),
            eventType: try cells[3].decode(String.self), status: try cells[4].decode(String.self), isTest: try cells[5].decode(Bool.self),
            attemptCount: Int(try cells[6].decode(Int32.self)), nextAttemptAt: try cells[7].decode(Date?.self),
            createdAt: try cells[8].decode(Date.self), updatedAt: try cells[9].decode(Date.self), payload: nil, attempts: nil
        )
    }
}

/// The `data` of a `webhook.test` event.
private struct TestEventData: Encodable {
    var webhookID: UUID
    var message: String

    enum CodingKeys: String, CodingKey {
        case webhookID = "webhookId"
        case message
    }
}
