import BallastMarket
import Foundation

/// What a rebalance will do: its orders, sells first, and where the portfolio stands before and (at the planned
/// prices) after.
public struct RebalancePlan: Sendable, Codable, Equatable {
    /// The portfolio before the plan.
    public var before: DriftReport
    /// Sells, then buys, each group largest first.
    public var orders: [PlannedOrder]
    /// Cash after every order at the planned prices and fees; never negative.
    public var cashAfter: WideDecimal
    /// Differences left alone, and why (below the minimum trade value, over `maxOrders`, no cash left).
    public var skipped: [SkippedTrade]

    public struct SkippedTrade: Sendable, Codable, Equatable {
        public var asset: String
        /// The value that would have been bought (positive) or sold (negative).
        public var difference: WideDecimal
        public var reason: String
    }

    /// The orders' values added up (each is at most the portfolio's value, which a plan keeps in range; the sum is
    /// held at the largest value rather than wrapped if it ever passed it).
    public var totalValueTraded: WideDecimal {
        WideDecimal(
            units: orders.reduce(Int128(0)) { sum, order in
                let (next, overflow) = sum.addingReportingOverflow(order.value.units)
                return overflow ? .max : next
            })
    }
}
