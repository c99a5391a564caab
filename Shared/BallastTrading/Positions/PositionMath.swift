import Foundation

public enum PositionSide: String, Sendable, Codable {
    case long, short

    init(opening side: OrderSide) { self = side == .buy ? .long : .short }

    /// The order side that makes this position smaller.
    var closingSide: OrderSide { self == .long ? .sell : .buy }
}

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

/// One fill as it reaches a position.
public struct PositionFill: Sendable, Equatable {
    public var side: OrderSide
    public var quantity: Decimal
    public var price: Decimal
    public var fee: Decimal

    public init(side: OrderSide, quantity: Decimal, price: Decimal, fee: Decimal) {
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
    }
}

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

/// Position arithmetic with exact decimals: average entry on increases, realized P&L on reductions, flips.
public enum PositionMath {
    public static func apply(_ fill: PositionFill, to position: PositionState?) -> PositionChange {
        guard let position else {
            let side = PositionSide(opening: fill.side)
            return .opened(PositionState(side: side, quantity: fill.quantity, averageEntryPrice: fill.price, realizedPnL: -fill.fee))
        }
        if PositionSide(opening: fill.side) == position.side {
            var increased = position
            let quantity = position.quantity + fill.quantity
            let cost = position.averageEntryPrice * position.quantity + fill.price * fill.quantity
            increased.averageEntryPrice = (cost / quantity).rounded()
            increased.quantity = quantity
            increased.realizedPnL -= fill.fee
            return .increased(increased)
        }
        let closing = min(position.quantity, fill.quantity)
        let perUnit = position.side == .long ? fill.price - position.averageEntryPrice : position.averageEntryPrice - fill.price
        let pricePnL = (perUnit * closing).rounded()
        if fill.quantity < position.quantity {
            var reduced = position
            reduced.quantity -= fill.quantity
            reduced.realizedPnL += pricePnL - fill.fee
            return .reduced(reduced, realized: pricePnL - fill.fee)
        }
        let closingFee = fill.quantity == position.quantity ? fill.fee : (fill.fee * closing / fill.quantity).rounded()
        var closed = position
        closed.quantity = 0
        closed.realizedPnL += pricePnL - closingFee
        if fill.quantity == position.quantity {
            return .closed(closed, realized: pricePnL - closingFee)
        }
        let opened = PositionState(
            side: PositionSide(opening: fill.side),
            quantity: fill.quantity - position.quantity,
            averageEntryPrice: fill.price,
            realizedPnL: -(fill.fee - closingFee)
        )
        return .flipped(closed: closed, realized: pricePnL - closingFee, opened: opened)
    }
}
