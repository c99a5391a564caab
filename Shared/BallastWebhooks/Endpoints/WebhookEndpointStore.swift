import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `webhook_endpoints`: the endpoints users register, always scoped to their owner.
public struct WebhookEndpointStore: Sendable {
    /// How many endpoints one user may register.
    public static let maxEndpointsPerUser = 100

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooManyEndpoints

        public var description: String {
            switch self {
            case .tooManyEndpoints: "a user can register at most \(WebhookEndpointStore.maxEndpointsPerUser) webhook endpoints"
            }
        }
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Registers an endpoint; the answer is the only one that shows `secret`.
    public func create(
        user: UUID, url: WebhookTargetURL, events: [String], description: String, secret: WebhookSecret, enabled: Bool
    ) async throws -> WebhookEndpoint {
        let id = UUID.random()
        let logger = self.logger
        let created = try await database.transaction(logger: logger) { connection -> WebhookEndpoint? in
            // Creates of one user queue here until commit, so two of them cannot both take the last free place.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || \(user)::text, 0))", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO webhook_endpoints (id, user_id, url, description, event_types, secret, enabled)
                SELECT \(id), \(user), \(url.url.absoluteString), \(description), \(events)::text[], \(secret.text), \(enabled)
                WHERE (SELECT count(*) FROM webhook_endpoints WHERE user_id = \(user)) < \(Self.maxEndpointsPerUser)
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            )
            return try await Self.first(rows)
        }
        guard var endpoint = created else { throw Failure.tooManyEndpoints }
        endpoint.secret = secret.text
        return endpoint
    }

    /// `user`'s endpoints, oldest first.
    public func list(user: UUID) async throws -> [WebhookEndpoint] {
        let rows = try await database.query(
            "SELECT \(unescaped: Self.columns) FROM webhook_endpoints WHERE user_id = \(user) ORDER BY created_at, id",
            logger: logger
        )
        var endpoints: [WebhookEndpoint] = []
        for try await row in rows { endpoints.append(try Self.endpoint(row)) }
        return endpoints
    }

    public func get(_ id: UUID, user: UUID) async throws -> WebhookEndpoint? {
        try await Self.first(
            try await database.query(
                "SELECT \(unescaped: Self.columns) FROM webhook_endpoints WHERE id = \(id) AND user_id = \(user)", logger: logger))
    }

    /// Applies `changes`. Enabling a disabled endpoint clears its failures, as `enable` does.
    public func update(_ id: UUID, user: UUID, changes: WebhookEndpointChanges) async throws -> WebhookEndpoint? {
        let rows = try await database.query(
            """
            UPDATE webhook_endpoints SET
                url = coalesce(\(changes.url?.url.absoluteString), url),
                event_types = coalesce(\(changes.events)::text[], event_types),
                description = coalesce(\(changes.description), description),
                enabled = coalesce(\(changes.enabled), enabled),
                \(unescaped: Self.resetWhenEnabled("\(changes.enabled == true)")),
                updated_at = now()
            WHERE id = \(id) AND user_id = \(user)
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        return try await Self.first(rows)
    }

    /// Enables the endpoint and forgets its failures; what it missed while disabled waits for `recover`.
    public func enable(_ id: UUID, user: UUID) async throws -> WebhookEndpoint? {
        try await update(id, user: user, changes: WebhookEndpointChanges(enabled: true))
    }

    /// Deletes the endpoint with its deliveries; false when `user` has no such endpoint.
    public func delete(_ id: UUID, user: UUID) async throws -> Bool {
        let rows = try await database.query(
            "DELETE FROM webhook_endpoints WHERE id = \(id) AND user_id = \(user) RETURNING id", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Replaces the secret; the old one keeps signing beside it for `overlap`. The answer shows the new secret.
    public func rotateSecret(_ id: UUID, user: UUID, to secret: WebhookSecret, overlap: Duration) async throws -> WebhookEndpoint? {
        let rows = try await database.query(
            """
            UPDATE webhook_endpoints SET
                previous_secret = secret, previous_secret_until = now() + \(overlap.wholeMilliseconds) * interval '1 millisecond',
                secret = \(secret.text), updated_at = now()
            WHERE id = \(id) AND user_id = \(user)
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        guard var endpoint = try await Self.first(rows) else { return nil }
        endpoint.secret = secret.text
        return endpoint
    }

    /// Sets the failure fields back when `enabling` (an SQL boolean) turns a disabled endpoint on: a client that sends
    /// every field with each update (`"enabled": true` included) must not wipe the streak that auto-disable counts.
    /// In a SET list, `enabled` is the row's value before the update.
    private static func resetWhenEnabled(_ enabling: String) -> String {
        """
        disabled_at = CASE WHEN \(enabling) AND NOT enabled THEN NULL ELSE disabled_at END,
        disabled_reason = CASE WHEN \(enabling) AND NOT enabled THEN NULL ELSE disabled_reason END,
        failure_count = CASE WHEN \(enabling) AND NOT enabled THEN 0 ELSE failure_count END,
        failing_since = CASE WHEN \(enabling) AND NOT enabled THEN NULL ELSE failing_since END
        """
    }

    static let columns = """
        id, url, description, event_types, enabled, disabled_at, disabled_reason, failure_count, failing_since, last_attempt_at,
        created_at, updated_at, CASE WHEN previous_secret_until > now() THEN previous_secret_until END
        """

    private static func first(_ rows: PostgresRowSequence) async throws -> WebhookEndpoint? {
        for try await row in rows { return try endpoint(row) }
        return nil
    }

    private static func endpoint(_ row: PostgresRow) throws -> WebhookEndpoint {
        let (
            id, url, description, events, enabled, disabledAt, disabledReason, failures, failingSince, lastAttempt, created, updated,
            previousUntil
        ) =
            try row.decode((UUID, String, String, [String], Bool, Date?, String?, Int32, Date?, Date?, Date, Date, Date?).self)
        return WebhookEndpoint(
            id: id, url: url, description: description, events: events, enabled: enabled, disabledAt: disabledAt,
            disabledReason: disabledReason, failureCount: Int(failures), failingSince: failingSince, lastTriggeredAt: lastAttempt,
            createdAt: created, updatedAt: updated, secret: nil, previousSecretExpiresAt: previousUntil
        )
    }
}
