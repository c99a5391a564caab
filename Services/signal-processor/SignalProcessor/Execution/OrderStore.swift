import Foundation
import Logging
import PostgresNIO

/// Writes orders in the caller's transaction.
enum OrderStore {
    static func insert(_ order: OrderRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO orders (id, account_id, client_order_id, signal_id, symbol, side, type, time_in_force, limit_price, quantity,
                filled_quantity, average_price, fees, status, reason, strategy, stop_loss, take_profit, expires_at, locked_asset,
                locked_amount, received_at)
            VALUES (\(order.id), \(order.accountID), \(order.clientOrderID), \(order.signalID), \(order.symbol), \(order.side.rawValue),
                \(order.type.rawValue), \(order.timeInForce.rawValue), \(order.limitPrice), \(order.quantity), \(order.filledQuantity),
                \(order.averagePrice), \(order.fees), \(order.status.rawValue), \(order.reason), \(order.strategy), \(order.stopLoss),
                \(order.takeProfit), \(order.expiresAt), \(order.lockedAsset), \(order.lockedAmount), \(order.receivedAt))
            """,
            logger: logger
        )
    }

    /// Stores an order's progress: fills, status, reason, what it still locks.
    static func update(_ order: OrderRecord, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE orders SET filled_quantity = \(order.filledQuantity), average_price = \(order.averagePrice), fees = \(order.fees),
                status = \(order.status.rawValue), reason = \(order.reason), locked_amount = \(order.lockedAmount),
                updated_at = clock_timestamp()
            WHERE id = \(order.id)
            """,
            logger: logger
        )
    }
}

extension OrderStore {
    /// The order `id` of `account`, read under the account's lock.
    static func order(_ id: UUID, account: UUID, on connection: PostgresConnection, logger: Logger) async throws -> OrderRecord? {
        let rows = try await connection.query(
            "SELECT \(unescaped: OrderRecord.columns) FROM orders WHERE id = \(id) AND account_id = \(account)", logger: logger)
        for try await row in rows.decode(OrderRecord.Row.self) { return try OrderRecord(row: row) }
        return nil
    }
}
