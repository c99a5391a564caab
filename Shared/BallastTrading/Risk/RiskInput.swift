import Foundation

/// What the risk rules need to know about an order and the account it would change.
public struct RiskInput: Sendable {
    public var now: Date
    public var exchange: String?
    public var symbol: String
    public var side: OrderSide
    public var quantity: Decimal
    /// The expected fill price: the taker price for a market order, the limit for a limit order.
    public var price: Decimal
    /// Quote currency the order needs free: notional and fee of a buy, or of the part of a sell that opens a short.
    public var requiredCash: Decimal
    public var availableCash: Decimal
    public var equity: Decimal
    /// Open positions of the account, and of this symbol, before the order.
    public var openPositions: Int
    public var openPositionsForSymbol: Int
    /// The order creates a position: none is open for its (symbol, strategy), or it flips one.
    public var opensPosition: Bool
    /// The part of a sell beyond the position it reduces (0 for buys and for plain reductions).
    public var shortQuantity: Decimal
    public var shortingAllowed: Bool
    /// Notional of the order's position, and of all positions, before and after the order, at `price`.
    public var positionNotionalAfter: Decimal
    /// The same position's notional before the order: an order that makes it smaller is not held to the
    /// minimum size or the equity share, so a position can always be reduced.
    public var positionNotionalBefore: Decimal = 0
    public var exposureBefore: Decimal
    public var exposureAfter: Decimal

    var notional: Decimal { quantity * price }
}
