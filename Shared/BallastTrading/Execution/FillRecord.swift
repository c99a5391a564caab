import BallastMarket
import Foundation

/// One execution of an order, as stored in `fills`.
public struct FillRecord: Sendable, Equatable {
    public var id: UUID
    public var orderID: UUID
    public var accountID: UUID
    public var symbol: String
    public var side: OrderSide
    public var price: Decimal
    public var quantity: Decimal
    public var fee: Decimal
    public var feeAsset: String
    public var liquidity: Liquidity
    /// The market trade that filled a resting order; nil for taker fills.
    public var marketTradeID: TradeID?
    public var executedAt: Date

    static let columns = "id, order_id, account_id, symbol, side, price, quantity, fee, fee_asset, liquidity, market_trade_id, executed_at"

    typealias Row = (UUID, UUID, UUID, String, String, Decimal, Decimal, Decimal, String, String, String?, Date)

    init(row: Row) throws {
        let (id, orderID, accountID, symbol, side, price, quantity, fee, feeAsset, liquidity, marketTradeID, executedAt) = row
        guard let side = OrderSide(rawValue: side), let liquidity = Liquidity(rawValue: liquidity) else {
            throw StoredValueError("fills row \(id) has side '\(side)' or liquidity '\(liquidity)'")
        }
        let tradeID: TradeID?
        do {
            tradeID = try marketTradeID.map { text throws(TradeError) in try TradeID(text) }
        } catch {
            throw StoredValueError("fills row \(id) has market_trade_id '\(marketTradeID ?? "")': \(error)")
        }
        self.init(
            id: id, orderID: orderID, accountID: accountID, symbol: symbol, side: side, price: price, quantity: quantity, fee: fee,
            feeAsset: feeAsset, liquidity: liquidity, marketTradeID: tradeID, executedAt: executedAt
        )
    }

    init(
        id: UUID, orderID: UUID, accountID: UUID, symbol: String, side: OrderSide, price: Decimal, quantity: Decimal, fee: Decimal,
        feeAsset: String, liquidity: Liquidity, marketTradeID: TradeID?, executedAt: Date
    ) {
        self.id = id
        self.orderID = orderID
        self.accountID = accountID
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.feeAsset = feeAsset
        self.liquidity = liquidity
        self.marketTradeID = marketTradeID
        self.executedAt = executedAt
    }
}
