import BallastMarket
import Foundation

/// Orders, fills and positions as JSON (events and the API): amounts as exact decimal strings, absent values
/// left out.
public struct OrderView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var accountId: UUID
    public var clientOrderId: String
    public var signalId: UUID?
    public var symbol: String
    public var side: String
    public var type: String
    public var timeInForce: String
    public var limitPrice: String?
    public var quantity: String
    public var filledQuantity: String
    public var averagePrice: String?
    public var fees: String
    public var status: String
    public var reason: String?
    public var strategy: String?
    public var stopLoss: String?
    public var takeProfit: String?
    public var trailingStopPercent: String?
    public var expiresAt: Date?
    public var lockedAmount: String?
    /// Set by the API's reads (events carry their own timestamp).
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(_ order: OrderRecord) {
        id = order.id
        accountId = order.accountID
        clientOrderId = order.clientOrderID
        signalId = order.signalID
        symbol = order.symbol
        side = order.side.rawValue
        type = order.type.rawValue
        timeInForce = order.timeInForce.rawValue
        limitPrice = order.limitPrice?.plainText
        quantity = order.quantity.plainText
        filledQuantity = order.filledQuantity.plainText
        averagePrice = order.averagePrice?.plainText
        fees = order.fees.plainText
        status = order.status.rawValue
        reason = order.reason
        strategy = order.strategy.isEmpty ? nil : order.strategy
        stopLoss = order.stopLoss?.plainText
        takeProfit = order.takeProfit?.plainText
        trailingStopPercent = order.trailingStopPercent?.plainText
        expiresAt = order.expiresAt
        lockedAmount = order.lockedAmount > 0 ? order.lockedAmount.plainText : nil
    }
}

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

public struct PositionView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var accountId: UUID
    public var symbol: String
    public var strategy: String?
    public var side: String
    public var quantity: String
    public var averageEntryPrice: String
    public var realizedPnl: String
    public var markPrice: String?
    public var unrealizedPnl: String?
    public var stopLoss: String?
    public var takeProfit: String?
    public var trailingStopPercent: String?
    /// The best price since the trailing stop was set (highest for a long, lowest for a short).
    public var bestPrice: String?
    public var status: String
    public var closeReason: String?
    /// Set by the API's reads (events carry their own timestamp).
    public var openedAt: Date?
    public var updatedAt: Date?
    public var closedAt: Date?

    init(_ position: PositionRecord, status: String, closeReason: String? = nil) {
        id = position.id
        accountId = position.accountID
        symbol = position.symbol
        strategy = position.strategy.isEmpty ? nil : position.strategy
        side = position.state.side.rawValue
        quantity = position.state.quantity.plainText
        averageEntryPrice = position.state.averageEntryPrice.plainText
        realizedPnl = position.state.realizedPnL.plainText
        markPrice = position.markPrice?.plainText
        unrealizedPnl = position.markPrice.map { position.state.unrealizedPnL(at: $0).plainText }
        stopLoss = position.stopLoss?.plainText
        takeProfit = position.takeProfit?.plainText
        trailingStopPercent = position.trailingStopPercent?.plainText
        bestPrice = position.trailingStopPercent == nil ? nil : position.bestPrice?.plainText
        self.status = status
        self.closeReason = closeReason
    }
}
