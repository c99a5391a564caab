import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Reads orders and their fills (writes go through `AccountWrites`).
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

    /// The open limit orders of `symbol` that a trade between `low` and `high` crosses (buys at `low` or
    /// above, sells at `high` or below), oldest first.
    static func crossedLimitOrders(
        symbol: String, low: Decimal, high: Decimal, database: PostgresClient, logger: Logger
    ) async throws -> [(order: UUID, account: UUID)] {
        let rows = try await database.query(
            """
            SELECT id, account_id FROM orders
            WHERE symbol = \(symbol) AND status IN ('new', 'partially_filled') AND type = 'limit'
              AND ((side = 'buy' AND limit_price >= \(low)) OR (side = 'sell' AND limit_price <= \(high)))
              -- An exchange fills its own orders and reports the fills.
              AND NOT EXISTS (SELECT 1 FROM venue_orders v WHERE v.order_id = orders.id)
            ORDER BY created_at
            """,
            logger: logger
        )
        var orders: [(order: UUID, account: UUID)] = []
        for try await order in rows.decode((UUID, UUID).self) { orders.append(order) }
        return orders
    }

    /// The open orders whose `expires_at` is `now` or earlier, the earliest first, at most 10,000.
    static func dueOrders(now: Date, database: PostgresClient, logger: Logger) async throws -> [(order: UUID, account: UUID)] {
        let rows = try await database.query(
            """
            SELECT id, account_id FROM orders
            WHERE status IN ('new', 'partially_filled') AND expires_at <= \(now)
              -- An exchange expires its own orders and reports it.
              AND NOT EXISTS (SELECT 1 FROM venue_orders v WHERE v.order_id = orders.id)
            ORDER BY expires_at LIMIT 10000
            """,
            logger: logger
        )
        var due: [(order: UUID, account: UUID)] = []
        for try await order in rows.decode((UUID, UUID).self) { due.append(order) }
        return due
    }

    /// When order `id` was created, in epoch milliseconds (`Int64.max` when there is no such order).
    static func createdAt(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("SELECT created_at FROM orders WHERE id = \(id)", logger: logger)
        for try await created in rows.decode(Date.self) { return created.epochMilliseconds }
        return .max
    }

    /// The ids of the market trades that filled order `id`, as stored.
    static func filledTrades(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let rows = try await connection.query(
            "SELECT market_trade_id FROM fills WHERE order_id = \(id) AND market_trade_id IS NOT NULL", logger: logger)
        var ids = Set<String>()
        for try await tradeID in rows.decode(String.self) { ids.insert(tradeID) }
        return ids
    }
}
