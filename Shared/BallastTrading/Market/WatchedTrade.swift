import BallastCore
import BallastMarket
import BallastRedis
import Foundation

/// A market trade as the watcher uses it, with exact `Decimal` amounts.
struct WatchedTrade: Sendable {
    var id: TradeID
    var time: Int64
    var price: Decimal
    var quantity: Decimal

    init(_ trade: Trade) throws(UnprocessableMessage) {
        guard let price = Decimal(string: "\(trade.price)"), let quantity = Decimal(string: "\(trade.quantity)") else {
            throw UnprocessableMessage("trade \(trade.id) has an amount that is not a decimal number")
        }
        id = trade.id
        time = trade.time
        self.price = price
        self.quantity = quantity
    }

    /// Trades apply in the order candles use: by time, then by id.
    var stamp: TradeStamp { TradeStamp(time: time, id: id) }
}
