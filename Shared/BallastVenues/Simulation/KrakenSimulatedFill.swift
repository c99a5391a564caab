import BallastTrading
import Foundation

/// One trade of the account's orders, as `TradesHistory` reports it.
public struct KrakenSimulatedFill: Sendable, Equatable {
    /// Kraken's trade id (`TXXXXX-XXXXX-XXXXXX`).
    public var txid: String
    public var orderTxid: String
    /// Kraken's position id field, a trade-shaped id that spot trades also carry.
    public var postxid: String
    /// Kraken's pair name (`XXBTZUSD`).
    public var pair: String
    public var time: Date
    public var side: OrderSide
    public var orderType: OrderType
    public var price: Decimal
    public var volume: Decimal
    /// `price × volume`, in the quote asset, at the quote asset's precision.
    public var cost: Decimal
    /// Charged in the quote asset: 0.40 % taker, 0.25 % maker.
    public var fee: Decimal
    public var isMaker: Bool
    /// The market's trade id of the pair (the trade hook's `tradeID`, Kraken's `trade_id`).
    public var marketTradeID: Int

    public init(
        txid: String, orderTxid: String, postxid: String, pair: String, time: Date, side: OrderSide, orderType: OrderType, price: Decimal,
        volume: Decimal, cost: Decimal, fee: Decimal, isMaker: Bool, marketTradeID: Int
    ) {
        self.txid = txid
        self.orderTxid = orderTxid
        self.postxid = postxid
        self.pair = pair
        self.time = time
        self.side = side
        self.orderType = orderType
        self.price = price
        self.volume = volume
        self.cost = cost
        self.fee = fee
        self.isMaker = isMaker
        self.marketTradeID = marketTradeID
    }
}
