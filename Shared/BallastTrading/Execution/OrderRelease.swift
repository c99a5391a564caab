import BallastCore
import Foundation

/// Ends an open order without filling the rest (canceled by its owner, or expired): its status, the release
/// of what it still locks, and the events, booked into the transaction's writes (the transaction holds the
/// account's lock).
enum OrderRelease {
    static func end(
        _ order: inout OrderRecord, as status: OrderStatus, reason: String, account: PaperAccount, at time: Date,
        into writes: inout AccountWrites
    ) throws {
        let released = order.lockedAmount
        order.status = status
        order.reason = reason
        let type = status == .expired ? TradingEvent.orderExpired : TradingEvent.orderCanceled
        writes.publish(try TradingEvent.envelope(type, userID: account.userID, at: time, data: OrderView(order)))
        if let asset = order.lockedAsset, released > 0 {
            writes.post(LedgerEntry.move(released, of: asset, locking: false, orderID: order.id))
            writes.publish(
                try TradingEvent.envelope(
                    TradingEvent.balanceUnlocked, userID: account.userID, at: time,
                    data: BalanceUnlock(accountID: account.id, orderID: order.id, asset: asset, amount: released.plainText)
                )
            )
        }
        order.lockedAmount = 0
        writes.save(order, isNew: false)
    }
}
