import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` to its end, reading and dropping the rows it returns. A statement that returns rows reports an error
    /// met while it runs only as its rows are read: one whose rows are left unread can fail unseen, and the transaction's
    /// COMMIT then rolls back without a word.
    public func execute(_ query: PostgresQuery, logger: Logger) async throws {
        let rows = try await self.query(query, logger: logger)
        for try await _ in rows {}
    }
}
