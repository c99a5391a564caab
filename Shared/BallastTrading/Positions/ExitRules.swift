import Foundation

/// When a position's exit rules fire: a stop loss or take profit crossed, or the price falling back from the
/// best price since opening by the trailing percentage. Prices are checked in trade order; the first one
/// that crosses a rule decides the reason and the reference price of the exit.
enum ExitRules {
    static func firstTrigger(for position: PositionRecord, prices: [Decimal]) -> (CloseReason, Decimal)? {
        let long = position.state.side == .long
        var best = position.bestPrice ?? position.state.averageEntryPrice
        for price in prices {
            if let stop = position.stopLoss, long ? price <= stop : price >= stop { return (.stopLoss, price) }
            if let target = position.takeProfit, long ? price >= target : price <= target { return (.takeProfit, price) }
            if let percent = position.trailingStopPercent {
                best = long ? max(best, price) : min(best, price)
                let trigger = long ? best * (1 - percent / 100) : best * (1 + percent / 100)
                if long ? price <= trigger : price >= trigger { return (.trailingStop, price) }
            }
        }
        return nil
    }
}
