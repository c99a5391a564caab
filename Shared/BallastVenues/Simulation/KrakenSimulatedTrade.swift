import BallastTrading
import Foundation

/// One trade on the simulated Kraken's market, as its trade hook reports it: the WebSocket v2 `trade` channel is fed
/// from these, so the fields follow that channel's (`symbol`, `side`, `price`, `qty`, `ord_type`, `trade_id`,
/// `timestamp`).
public struct KrakenSimulatedTrade: Sendable, Equatable {
    /// The pair in WebSocket v2 form (`BTC/USD`).
    public var symbol: String
    /// The taker's side.
    public var side: OrderSide
    public var price: Decimal
    public var quantity: Decimal
    /// Increases by one per trade within a pair, from 1, as v2's `trade_id` does.
    public var tradeID: Int
    public var time: Date
    /// How the taker's order was placed (v2's `ord_type`: `market` or `limit`).
    public var orderType: OrderType

    public init(symbol: String, side: OrderSide, price: Decimal, quantity: Decimal, tradeID: Int, time: Date, orderType: OrderType) {
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.tradeID = tradeID
        self.time = time
        self.orderType = orderType
    }
}
