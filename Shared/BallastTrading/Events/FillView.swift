import BallastMarket
import Foundation

/// A fill as JSON (events and the API): amounts as exact decimal strings, absent values left out.
public struct FillView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var accountID: UUID
    public var symbol: String
    public var side: String
    public var price: String
    public var quantity: String
    public var fee: String
    public var feeAsset: String
    public var liquidity: String
    /// A number when the venue's id is digit-only and fits an `Int64`, a string otherwise (`TradeID`).
    public var marketTradeID: TradeID?
    public var executedAt: Date

    init(_ fill: FillRecord) {
        id = fill.id
        orderID = fill.orderID
        accountID = fill.accountID
        symbol = fill.symbol
        side = fill.side.rawValue
        price = fill.price.plainText
        quantity = fill.quantity.plainText
        fee = fill.fee.plainText
        feeAsset = fill.feeAsset
        liquidity = fill.liquidity.rawValue
        marketTradeID = fill.marketTradeID
        executedAt = fill.executedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case orderID = "orderId"
        case accountID = "accountId"
        case symbol
        case side
        case price
        case quantity
        case fee
        case feeAsset
        case liquidity
        case marketTradeID = "marketTradeId"
        case executedAt
    }
}
