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

    public var totalValueTraded: WideDecimal { orders.reduce(.zero) { $0 + $1.value } }
}
