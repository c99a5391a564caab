import Foundation
import Logging
import PostgresNIO

/// Reads positions, and writes what changes outside an account's transaction writes: the marks at the
/// last price and a failed exit's retry time (everything else goes through `AccountWrites`).
enum PositionStore {
    /// How long after a failed exit the rule is tried again (new exit levels re-arm it at once).
    static let exitRetryInterval = "60 seconds"

    /// The symbol of open position `id` when it belongs to user `userID`.
    static func openPositionSymbol(_ id: UUID, user userID: UUID, database: PostgresClient, logger: Logger) async throws -> String? {
        let rows = try await database.query(
            """
            SELECT p.symbol FROM positions p JOIN paper_accounts a ON a.id = p.account_id
            WHERE p.id = \(id) AND a.user_id = \(userID) AND a.portfolio_id IS NULL AND a.experiment_id IS NULL AND p.status = 'open'
            """,
            logger: logger
        )
        for try await symbol in rows.decode(String.self) { return symbol }
        return nil
    }

    /// The open positions of `symbol` with an exit level (stop loss, take profit, trailing stop), and when
    /// each opened; a position whose exit could not be paid for is left out until `exitRetryInterval` has passed.
    static func armedPositions(
        symbol: String, database: PostgresClient, logger: Logger
    ) async throws -> [(position: PositionRecord, openedAt: Date)] {
        let rows = try await database.query(
            """
            SELECT \(unescaped: PositionRecord.columns), opened_at FROM positions
            WHERE symbol = \(symbol) AND status = 'open'
              AND (stop_loss IS NOT NULL OR take_profit IS NOT NULL OR trailing_stop_percent IS NOT NULL)
              -- An exit that could not be paid for is tried again a minute later, not on every trade.
              AND (exit_failed_at IS NULL OR exit_failed_at < now() - \(exitRetryInterval)::interval)
              -- Paper exits only: closing at an exchange is an order there, which a trader places with a signal.
              AND account_id IN (SELECT a.id FROM paper_accounts a WHERE a.venue = 'paper')
            """,
            logger: logger
        )
        var positions: [(position: PositionRecord, openedAt: Date)] = []
        for try await (id, account, symbol, strategy, side, quantity, average, realized, mark, stop, take, trailing, best, opened)
            in rows.decode(
                (UUID, UUID, String, String, String, Decimal, Decimal, Decimal, Decimal?, Decimal?, Decimal?, Decimal?, Decimal?, Date).self
            )
        {
            let position = try PositionRecord(
                row: (id, account, symbol, strategy, side, quantity, average, realized, mark, stop, take, trailing, best))
            positions.append((position, opened))
        }
        return positions
    }

    /// Whether an exit of position `id` failed less than `exitRetryInterval` ago.
    static func exitFailedRecently(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT exit_failed_at IS NOT NULL AND exit_failed_at >= now() - \(exitRetryInterval)::interval
            FROM positions WHERE id = \(id)
            """,
            logger: logger)
        var recent = false
        for try await value in rows.decode(Bool.self) { recent = value }
        return recent
    }

    /// Notes that an exit of position `id` could not be paid for, so that it waits `exitRetryInterval`.
    static func markExitFailed(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE positions SET exit_failed_at = now() WHERE id = \(id)", logger: logger)
    }

    /// Marks the open positions of `symbol` at `last`, and moves their best price (for trailing stops) to
    /// `high` (longs) or `low` (shorts) when it is better.
    static func mark(
        symbol: String, last: Decimal, low: Decimal, high: Decimal, database: PostgresClient, logger: Logger
    ) async throws {
        try await database.query(
            """
            UPDATE positions SET
                mark_price = \(last),
                unrealized_pnl = round(CASE WHEN side = 'long' THEN \(last) - average_entry_price ELSE average_entry_price - \(last) END * quantity, 8),
                best_price = CASE WHEN side = 'long' THEN greatest(best_price, \(high)) ELSE least(best_price, \(low)) END,
                updated_at = clock_timestamp()
            WHERE symbol = \(symbol) AND status = 'open'
            """,
            logger: logger
        )
    }
}
