import Foundation

/// An open position as the arithmetic sees it. `realizedPnL` is net of the fees of all its fills.
public struct PositionState: Sendable, Equatable {
    public var side: PositionSide
    public var quantity: Decimal
    public var averageEntryPrice: Decimal
    public var realizedPnL: Decimal

    public init(side: PositionSide, quantity: Decimal, averageEntryPrice: Decimal, realizedPnL: Decimal) {
        self.side = side
        self.quantity = quantity
        self.averageEntryPrice = averageEntryPrice
        self.realizedPnL = realizedPnL
    }

    /// Profit or loss if the position were closed at `mark`, before fees.
    public func unrealizedPnL(at mark: Decimal) -> Decimal {
        let perUnit = side == .long ? mark - averageEntryPrice : averageEntryPrice - mark
        return (perUnit * quantity).rounded()
    }
}
