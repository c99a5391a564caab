import Foundation

/// A market order placed by a program rather than a signal (a portfolio's rebalance): its own client order id, so
/// that placing it again changes nothing.
public struct MarketOrderTicket: Sendable, Codable, Equatable {
    public var clientOrderID: String
    /// A market symbol, `BASE-QUOTE`.
    public var symbol: String
    public var side: OrderSide
    public var quantity: Decimal
    /// The position key it trades under.
    public var strategy: String

    public init(clientOrderID: String, symbol: String, side: OrderSide, quantity: Decimal, strategy: String) {
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.strategy = strategy
    }

    enum CodingKeys: String, CodingKey {
        case clientOrderID = "clientOrderId"
        case symbol, side, quantity, strategy
    }
}
