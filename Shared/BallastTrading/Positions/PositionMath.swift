import Foundation

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
