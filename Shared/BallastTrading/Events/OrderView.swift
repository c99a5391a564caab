import BallastMarket
import Foundation

/// An order as JSON (events and the API): amounts as exact decimal strings, absent values left out.
public struct OrderView: Encodable, Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var clientOrderID: String
    public var signalID: UUID?
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
        accountID = order.accountID
        clientOrderID = order.clientOrderID
        signalID = order.signalID
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

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "accountId"
        case clientOrderID = "clientOrderId"
        case signalID = "signalId"
        case symbol
        case side
        case type
        case timeInForce
        case limitPrice
        case quantity
        case filledQuantity
        case averagePrice
        case fees
        case status
        case reason
        case strategy
        case stopLoss
        case takeProfit
        case trailingStopPercent
        case expiresAt
        case lockedAmount
        case createdAt
        case updatedAt
    }
}
