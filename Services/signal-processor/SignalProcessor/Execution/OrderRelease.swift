import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Ends an open order without filling the rest (canceled by its owner, or expired): its status, the release
/// of what it still locks, and the events, in the caller's transaction (which holds the account's lock).
enum OrderRelease {
    static func end(
        _ order: inout OrderRecord, as status: OrderStatus, reason: String, account: PaperAccount, at time: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let released = order.lockedAmount
        order.status = status
        order.reason = reason
        var events = [
            try TradingEvent.envelope(
                status == .expired ? TradingEvent.orderExpired : TradingEvent.orderCanceled, userID: account.userID, at: time,
                data: OrderView(order))
        ]
        if let asset = order.lockedAsset, released > 0 {
            try await Ledger.post(
                LedgerEntry.move(released, of: asset, locking: false, orderID: order.id), account: account.id, on: connection,
                logger: logger)
            events.append(
                try TradingEvent.envelope(
                    TradingEvent.balanceUnlocked, userID: account.userID, at: time,
                    data: BalanceUnlock(accountId: account.id, orderId: order.id, asset: asset, amount: released.plainText)
                )
            )
        }
        order.lockedAmount = 0
        try await OrderStore.update(order, on: connection, logger: logger)
        for event in events { try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger) }
    }
}
