import BallastCore
import Foundation

/// An exchange account's order, booked in the transaction that decides it: recorded `new`, holding back what it may
/// spend (a buy its notional at the limit or the expected price plus the largest fee, a sell within a long position the
/// asset), and handed to `VenueOrderDispatcher`, which places it once the transaction commits. Nothing is filled here:
/// fills are booked when the exchange reports them (`ExchangeFillBooking`).
enum ExchangeOrderBooking {
    static func book(
        _ order: inout OrderRecord, expectedPrice: Decimal, position: PositionRecord?, account: PaperAccount, instrument: Instrument,
        at time: Date, into writes: inout AccountWrites
    ) throws {
        let lock = OrderLocks.reservation(
            for: order, at: order.limitPrice ?? expectedPrice, position: position, pricing: account.pricing, instrument: instrument)
        order.lockedAsset = lock.asset
        order.lockedAmount = lock.amount
        writes.publish(try TradingEvent.envelope(TradingEvent.orderCreated, userID: account.userID, at: time, data: OrderView(order)))
        writes.post(LedgerEntry.move(lock.amount, of: lock.asset, locking: true, orderID: order.id))
        writes.save(order, isNew: true)
        writes.placeAtExchange(order)
    }
}
