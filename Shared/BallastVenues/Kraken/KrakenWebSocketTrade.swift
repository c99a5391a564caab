import BallastCore
import BallastMarket
import Foundation

/// One trade of Kraken's WebSocket v2 `trade` channel, as Kraken sent it: price and quantity exact (read from the
/// number's digits, never through binary floating point), the time cut to the millisecond it happened in.
public struct KrakenWebSocketTrade: Sendable, Equatable {
    /// The v2 pair (`BTC/USD`).
    public var pair: String
    /// The taker's side.
    public var side: TradeSide
    public var price: Decimal
    public var quantity: Decimal
    /// Kraken's sequence number of the trade within its pair: what the feed deduplicates on.
    public var tradeID: UInt64
    /// Epoch milliseconds, truncated: `07:49:59.999600Z` happened in the minute 07:49, not 07:50.
    public var time: Int64
    /// The taker's order type (`market`, `limit`), when Kraken sent one.
    public var orderType: String?

    public init(
        pair: String, side: TradeSide, price: Decimal, quantity: Decimal, tradeID: UInt64, time: Int64, orderType: String? = nil
    ) {
        self.pair = pair
        self.side = side
        self.price = price
        self.quantity = quantity
        self.tradeID = tradeID
        self.time = time
        self.orderType = orderType
    }

    /// The trade as Ballast publishes it under `symbol`. Ballast holds eight decimal places: a price or quantity with
    /// more is refused, never rounded.
    public func trade(symbol: String) throws(KrakenTradeFeedError) -> Trade {
        let what = "\(pair) trade \(tradeID)"
        guard let fixedPrice = FixedDecimal("\(price)") else {
            throw .unrepresentableTrade("\(what): price \(price) has more than 8 decimal places or is out of range")
        }
        guard let fixedQuantity = FixedDecimal("\(quantity)") else {
            throw .unrepresentableTrade("\(what): quantity \(quantity) has more than 8 decimal places or is out of range")
        }
        do {
            return try Trade(symbol: symbol, price: fixedPrice, quantity: fixedQuantity, side: side, id: TradeID(tradeID), time: time)
        } catch {
            throw .unrepresentableTrade("\(what): \(error)")
        }
    }
}
