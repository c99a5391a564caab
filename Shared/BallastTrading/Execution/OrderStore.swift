import Foundation
import Logging
import PostgresNIO

/// Reads orders in the caller's transaction (writes go through `AccountWrites`).
enum OrderStore {
    /// The order `id` of `account`, read under the account's lock.
    static func order(_ id: UUID, account: UUID, on connection: PostgresConnection, logger: Logger) async throws -> OrderRecord? {
        let rows = try await connection.query(
            "SELECT \(unescaped: OrderRecord.columns) FROM orders WHERE id = \(id) AND account_id = \(account)", logger: logger)
        for try await row in rows.decode(OrderRecord.Row.self) { return try OrderRecord(row: row) }
        return nil
    }
}
