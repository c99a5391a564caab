import BallastCore
import Foundation

/// How one variant of an experiment did, from its closed trades.
public struct VariantPerformance: Sendable, Equatable {
    public var tradeCount: Int
    /// Trades with a positive P&L; a trade that breaks even is not a win.
    public var wins: Int
    /// Wins over trades, rounded half up to 4 places; nil without trades.
    public var winRate: Decimal?
    public var totalPnL: Decimal
    /// The largest fall of cumulative realized P&L from a peak to a later trough, the running total starting at 0
    /// (so a first losing trade is a drawdown too); 0 when it never falls.
    public var maxDrawdown: Decimal

    /// Trades in any order: they are taken in the order they closed, and trades that closed at the same instant
    /// losses first, so that the result does not depend on the order they were passed in.
    public init(trades: [TradeResult]) {
        let ordered = trades.sorted { ($0.closedAt, $0.pnl) < ($1.closedAt, $1.pnl) }
        var cumulative = Decimal.zero
        var peak = Decimal.zero
        var drawdown = Decimal.zero
        for trade in ordered {
            cumulative += trade.pnl
            peak = max(peak, cumulative)
            drawdown = max(drawdown, peak - cumulative)
        }
        tradeCount = trades.count
        wins = trades.count { $0.pnl > 0 }
        winRate = trades.isEmpty ? nil : (Decimal(wins) / Decimal(trades.count)).rounded(.plain, places: 4)
        totalPnL = cumulative
        maxDrawdown = drawdown
    }
}
