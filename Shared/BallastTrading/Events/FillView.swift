import BallastMarket
import Foundation

/// A fill as JSON (events and the API): amounts as exact decimal strings, absent values left out.
public struct FillView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var orderId: UUID
    public var accountId: UUID
    public var symbol: String
    public var side: String
    public var price: String
    public var quantity: String
    public var fee: String
    public var feeAsset: String
    public var liquidity: String
    /// A number when the venue's id is digit-only and fits an `Int64`, a string otherwise (`TradeID`).
    public var marketTradeId: TradeID?
    public var executedAt: Date

    init(_ fill: FillRecord) {
        id = fill.id
        orderId = fill.orderID
        accountId = fill.accountID
        symbol = fill.symbol
        side = fill.side.rawValue
        price = fill.price.plainText
        quantity = fill.quantity.plainText
        fee = fill.fee.plainText
        feeAsset = fill.feeAsset
        liquidity = fill.liquidity.rawValue
        marketTradeId = fill.marketTradeID
        executedAt = fill.executedAt
    }
}
