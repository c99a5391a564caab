import Foundation

/// One trade of the account's orders as the exchange reports it: booked once, by `tradeID`.
public struct VenueFill: Sendable, Equatable {
    /// The exchange's trade id (Kraken's `TXXXXX-XXXXX-XXXXXX`), unique at the exchange.
    public var tradeID: String
    public var venueOrderID: String
    /// Ballast's name of the market (`BTC-USD`).
    public var symbol: String
    public var side: OrderSide
    public var price: Decimal
    public var quantity: Decimal
    /// The fee the exchange charged, in the quote asset.
    public var fee: Decimal
    /// What the trade cost (a buy) or paid (a sell) in the quote asset before the fee, as the exchange rounded it; nil
    /// when it does not say (then price × quantity).
    public var cost: Decimal?
    public var maker: Bool
    public var time: Date

    public init(
        tradeID: String, venueOrderID: String, symbol: String, side: OrderSide, price: Decimal, quantity: Decimal, fee: Decimal,
        cost: Decimal? = nil, maker: Bool, time: Date
    ) {
        self.tradeID = tradeID
        self.venueOrderID = venueOrderID
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.cost = cost
        self.maker = maker
        self.time = time
    }
}
