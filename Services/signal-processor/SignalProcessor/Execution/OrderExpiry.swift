import Foundation
import Logging
import PostgresNIO

/// The `orders.expire` job: open orders past their `expires_at` (`day` and `gtd` orders) become `expired`,
/// and what they still lock is released once, each order in its own transaction under its account's lock.
public struct OrderExpiry: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Expires every order due at `now`; returns how many.
    @discardableResult
    public func expire(now: Date) async throws -> Int {
        let rows = try await database.query(
            """
            SELECT id, account_id FROM orders
            WHERE status IN ('new', 'partially_filled') AND expires_at <= \(now)
            ORDER BY expires_at LIMIT 10000
            """,
            logger: logger
        )
        var due: [(order: UUID, account: UUID)] = []
        for try await row in rows.decode((UUID, UUID).self) { due.append(row) }
        var expired = 0
        let logger = self.logger
        for (orderID, accountID) in due {
            let done = try await database.transaction(logger: logger) { connection -> Bool in
                guard let account = try await PaperAccounts.lockAccount(id: accountID, on: connection, logger: logger),
                    var order = try await OrderStore.order(orderID, account: accountID, on: connection, logger: logger),
                    order.status.isOpen,
                    let expiresAt = order.expiresAt, expiresAt <= now
                else { return false }
                var writes = AccountWrites(account: account)
                try OrderRelease.end(&order, as: .expired, reason: "expired", account: account, at: now, into: &writes)
                try await writes.flush(on: connection, logger: logger)
                return true
            }
            if done { expired += 1 }
        }
        if expired > 0 { logger.info("orders expired", metadata: ["count": "\(expired)"]) }
        return expired
    }
}
