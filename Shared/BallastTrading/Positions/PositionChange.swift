import Foundation

/// What a fill did to the position it reached.
public enum PositionChange: Sendable, Equatable {
    case opened(PositionState)
    case increased(PositionState)
    /// Smaller, still open; `realized` is this fill's price P&L less its fee.
    case reduced(PositionState, realized: Decimal)
    /// Quantity 0: the position is closed.
    case closed(PositionState, realized: Decimal)
    /// Closed, and the rest of the fill opened a position on the other side; the fee is split between them
    /// by quantity.
    case flipped(closed: PositionState, realized: Decimal, opened: PositionState)
}
