import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, except that an error thrown by `body` comes out as itself once the transaction
    /// has rolled back: PostgresNIO wraps it in a `PostgresTransactionError`, which hid callers' own
    /// failures (and Postgres errors such as a deadlock) from their `catch` clauses.
    public func transaction<Value>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Value
    ) async throws -> sending Value {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError, error.beginError == nil, error.rollbackError == nil, error.commitError == nil {
                throw thrown
            }
            throw error
        }
    }
}
