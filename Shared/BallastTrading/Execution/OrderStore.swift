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

    /// The open orders of `symbol` and `strategy` in `account`, read under the account's lock.
    static func openOrders(
        account: UUID, symbol: String, strategy: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [OrderRecord] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: OrderRecord.columns) FROM orders
            WHERE account_id = \(account) AND symbol = \(symbol) AND strategy = \(strategy)
              AND status IN ('new', 'partially_filled')
            """,
            logger: logger)
        var orders: [OrderRecord] = []
        for try await row in rows.decode(OrderRecord.Row.self) { orders.append(try OrderRecord(row: row)) }
        return orders
    }
}
