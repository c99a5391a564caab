import Foundation

/// One closed trade of a variant, as its performance counts it.
public struct TradeResult: Sendable, Equatable {
    public var closedAt: Date
    /// Realized, net of fees.
    public var pnl: Decimal

    public init(closedAt: Date, pnl: Decimal) {
        self.closedAt = closedAt
        self.pnl = pnl
    }
}
