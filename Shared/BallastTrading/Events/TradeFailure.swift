import BallastCore
import Foundation

/// `trade.failed`: a trade the paper account was to make and could not: an exit it cannot pay for, or a
/// resting order's fill that would now open a short the account does not allow. Nothing was booked.
struct TradeFailure: Encodable {
    var orderID: UUID
    var clientOrderID: String
    var positionID: UUID?
    var symbol: String
    var side: String
    var quantity: String
    var price: String
    var reason: String

    enum CodingKeys: String, CodingKey {
        case orderID = "orderId"
        case clientOrderID = "clientOrderId"
        case positionID = "positionId"
        case symbol
        case side
        case quantity
        case price
        case reason
    }
}

extension TradeFailure {
    /// Books `trade.failed` for `quantity` of `order` at `price` into the transaction's writes.
    static func publish(
        _ order: OrderRecord, quantity: Decimal, price: Decimal, position: UUID?, reason: String, account: PaperAccount, at time: Date,
        into writes: inout AccountWrites
    ) throws {
        let failure = TradeFailure(
            orderID: order.id, clientOrderID: order.clientOrderID, positionID: position, symbol: order.symbol, side: order.side.rawValue,
            quantity: quantity.plainText, price: price.plainText, reason: reason)
        writes.publish(try TradingEvent.envelope(TradingEvent.tradeFailed, userID: account.userID, at: time, data: failure))
    }
}
