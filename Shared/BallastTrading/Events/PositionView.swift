import BallastMarket
import Foundation

/// A position as JSON (events and the API): amounts as exact decimal strings, absent values left out.
public struct PositionView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
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
        accountID = position.accountID
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

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "accountId"
        case symbol
        case strategy
        case side
        case quantity
        case averageEntryPrice
        case realizedPnl
        case markPrice
        case unrealizedPnl
        case stopLoss
        case takeProfit
        case trailingStopPercent
        case bestPrice
        case status
        case closeReason
        case openedAt
        case updatedAt
        case closedAt
    }
}
