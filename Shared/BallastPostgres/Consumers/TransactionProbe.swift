import Logging
import PostgresNIO

extension PostgresConnection {
    /// Fails if an earlier statement of this transaction failed unobserved.
    ///
    /// PostgreSQL answers `COMMIT` of an aborted transaction with a rollback, which PostgresNIO does not
    /// report. Probing first turns a lost effect into an error, so the message is not acknowledged.
    func ensureTransactionIsHealthy(logger: Logger) async throws {
        let rows = try await query("SELECT 1", logger: logger)
        for try await _ in rows {}
    }
}
