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
        try await inBatches(until: deadline) { limit in
            // ORDER BY walks `trades_traded_at` (migration 16) from the oldest row.
            """
            WITH deleted AS (
                DELETE FROM trades WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM trades WHERE traded_at < \(cutoff) ORDER BY traded_at LIMIT \(limit)
                ))
                RETURNING 1
            )
            SELECT count(*)::bigint FROM deleted
            """
        }
    }

    /// Deletes outbox rows sent before `cutoff`; unsent rows are never touched.
    public func deleteSentOutbox(sentBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        try await inBatches(until: deadline) { limit in
            // `outbox_sent_at` (migration 1) is partial on `sent_at IS NOT NULL`, which the condition implies.
            """
            WITH deleted AS (
                DELETE FROM outbox WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM outbox WHERE sent_at < \(cutoff) ORDER BY sent_at LIMIT \(limit)
                ))
                RETURNING 1
            )
            SELECT count(*)::bigint FROM deleted
            """
        }
    }

    /// Deletes the idempotency records of messages processed before `cutoff`.
    public func deleteProcessedMessages(processedBefore cutoff: Date, deadline: ContinuousClock.Instant) async throws -> Int {
        try await inBatches(until: deadline) { limit in
            """
            WITH deleted AS (
                DELETE FROM processed_messages WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM processed_messages WHERE processed_at < \(cutoff) ORDER BY processed_at LIMIT \(limit)
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
