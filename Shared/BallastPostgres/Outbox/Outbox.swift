import BallastCore
import Logging
import PostgresNIO

/// Writes messages to the `outbox` table inside the caller's transaction, next to the effect they announce.
/// `OutboxRelay` later moves them to their stream; if the transaction rolls back, no message exists.
public enum Outbox {
    public static func enqueue(
        _ envelope: Envelope,
        to stream: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO outbox (message_id, stream, type, version, occurred_at, data, trace)
            VALUES (\(envelope.id), \(stream), \(envelope.type), \(envelope.version), \(envelope.timestamp),
                    \(envelope.data), \(envelope.trace))
            """,
            logger: logger
        )
    }

    /// Inserts `envelopes` with one statement, in order.
    public static func enqueue(_ envelopes: [Envelope], to stream: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !envelopes.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO outbox (message_id, stream, type, version, occurred_at, data, trace)
            SELECT message_id, \(stream), type, version, occurred_at, data, nullif(trace, '')
            FROM unnest(
                \(envelopes.map(\.id))::text[], \(envelopes.map(\.type))::text[], \(envelopes.map(\.version))::int8[],
                \(envelopes.map(\.timestamp))::timestamptz[], \(envelopes.map(\.data))::text[], \(envelopes.map { $0.trace ?? "" })::text[]
            ) WITH ORDINALITY AS e(message_id, type, version, occurred_at, data, trace, position)
            ORDER BY position
            """,
            logger: logger
        )
    }
}
