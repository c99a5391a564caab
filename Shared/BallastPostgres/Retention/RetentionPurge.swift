import Foundation
import Logging
import PostgresNIO

/// Deletes rows past their retention in bounded batches, so that a purge never holds many row locks or
/// one long transaction: each statement deletes at most `batchSize` rows and commits on its own.
///
/// Each purge loops until a batch comes back short (nothing old is left) or `deadline` has passed; what
/// is left then goes at the next run.
public struct RetentionPurge: Sendable {
    private let database: PostgresClient
    private let batchSize: Int
    private let logger: Logger

    public init(database: PostgresClient, batchSize: Int = 10_000, logger: Logger) {
        self.database = database
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Deletes market trades traded before `cutoff`; candles are built as trades arrive and are kept.
    public func deleteTrades(tradedBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        // Walks `trades_traded_at` (migration 16) from the oldest row.
        try await delete(from: "trades", olderThan: cutoff, by: "traded_at", until: deadline)
    }

    /// Deletes outbox rows sent before `cutoff`; unsent rows are never touched.
    public func deleteSentOutbox(sentBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        // `outbox_sent_at` (migration 1) is partial on `sent_at IS NOT NULL`, which the condition implies.
        try await delete(from: "outbox", olderThan: cutoff, by: "sent_at", until: deadline)
    }

    /// Deletes the idempotency records of messages processed before `cutoff`.
    public func deleteProcessedMessages(processedBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        try await delete(from: "processed_messages", olderThan: cutoff, by: "processed_at", until: deadline)
    }

    /// Deletes webhook events stored before `cutoff` with their deliveries and attempts, except events that still
    /// have a delivery pending.
    public func deleteWebhookEvents(createdBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        try await inBatches(until: deadline) { limit in
            """
            WITH deleted AS (
                DELETE FROM webhook_events WHERE id = ANY(ARRAY(
                    SELECT e.id FROM webhook_events e WHERE e.created_at < \(cutoff)
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
                    ORDER BY e.created_at LIMIT \(limit)
                ))
                RETURNING 1
            )
            SELECT count(*)::bigint FROM deleted
            """
        }
    }

    /// One table's rows whose `column` is before `cutoff`, oldest first, `batchSize` per statement. The table
    /// and column are this file's constants, never input.
    private func delete(
        from table: StaticString, olderThan cutoff: Date, by column: StaticString, until deadline: ContinuousClock.Instant
    ) async throws -> Int {
        try await inBatches(until: deadline) { limit in
            """
            WITH deleted AS (
                DELETE FROM \(unescaped: "\(table)") WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM \(unescaped: "\(table)") WHERE \(unescaped: "\(column)") < \(cutoff)
                    ORDER BY \(unescaped: "\(column)") LIMIT \(limit)
                ))
                RETURNING 1
            )
            SELECT count(*)::bigint FROM deleted
            """
        }
    }

    /// Runs `statement` (one batch, returning how many rows it deleted) until a batch comes back short or
    /// the deadline passes, and returns the total.
    private func inBatches(
        until deadline: ContinuousClock.Instant,
        _ statement: (Int) -> PostgresQuery
    ) async throws -> Int {
        var total = 0
        while true {
            try Task.checkCancellation()
            let rows = try await database.query(statement(batchSize), logger: logger)
            var deleted = 0
            for try await count in rows.decode(Int.self) { deleted = count }
            total += deleted
            if deleted < batchSize || ContinuousClock.now >= deadline { return total }
        }
    }
}
