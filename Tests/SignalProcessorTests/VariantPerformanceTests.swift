import Foundation
import Testing

@testable import BallastTrading

/// Trades closed a minute apart, in the order given, with P&Ls written as text.
private func trades(_ pnls: [String]) -> [TradeResult] {
    pnls.enumerated().map { index, pnl in
        TradeResult(closedAt: instant("2026-03-02T10:00:00Z").addingTimeInterval(Double(index) * 60), pnl: decimal(pnl))
    }
}

@Suite("Variant performance")
struct VariantPerformanceTests {
    @Test(
        "counts, wins and win rate",
        arguments: [
            ([String](), 0, 0, nil, "0"),
            (["10"], 1, 1, "1", "10"),
            (["-5"], 1, 0, "0", "-5"),
            // Breaking even is no win.
            (["0", "3", "-1"], 3, 1, "0.3333", "2"),
            (["2", "3", "-1"], 3, 2, "0.6667", "4"),
            (["1.5", "-0.25", "2.25", "-3", "0.00000001"], 5, 3, "0.6", "0.50000001"),
        ]
    )
    func counts(pnls: [String], count: Int, wins: Int, winRate: String?, total: String) {
        let performance = VariantPerformance(trades: trades(pnls))
        #expect(performance.tradeCount == count)
        #expect(performance.wins == wins)
        #expect(performance.winRate == winRate.map(decimal))
        #expect(performance.totalPnL == decimal(total))
    }

    @Test(
        "max drawdown is the largest fall of cumulative P&L from a peak, the running total starting at 0",
        arguments: [
            ([String](), "0"),
            (["10", "5"], "0"),
            // 0 → −5: a first loss falls from the starting 0.
            (["-5"], "5"),
            // 10, 6, −2, 3, 1: from the peak 10 to −2.
            (["10", "-4", "-8", "5", "-2"], "12"),
            // 5, 2 (fall 3), 12, 4 (fall 8): the larger fall, not the first.
            (["5", "-3", "10", "-8"], "8"),
            // −1, −3, 2, −7: the peak 2 is above the start, the fall from it is 9.
            (["-1", "-2", "5", "-9"], "9"),
            (["0.1", "-0.00000001"], "0.00000001"),
        ]
    )
    func drawdown(pnls: [String], maxDrawdown: String) {
        #expect(VariantPerformance(trades: trades(pnls)).maxDrawdown == decimal(maxDrawdown))
    }

    /// Closed in the order −10, +20, −5, the running total is −10, 10, 5: the drawdown is 10. Taken in the order
    /// passed (+20, −5, −10) it would be 15.
    @Test("trades count in the order they closed, not the order they were passed")
    func closingOrder() {
        let closed = trades(["-10", "20", "-5"])
        let performance = VariantPerformance(trades: [closed[1], closed[2], closed[0]])
        #expect(performance.maxDrawdown == 10)
        #expect(performance == VariantPerformance(trades: closed))
    }

    /// Two trades closed at the same instant count losses first, whatever order they come in.
    @Test("trades that closed at the same instant give one result in any order")
    func sameInstant() {
        let at = instant("2026-03-02T10:00:00Z")
        let gain = TradeResult(closedAt: at, pnl: 8)
        let loss = TradeResult(closedAt: at, pnl: -6)
        let later = TradeResult(closedAt: at.addingTimeInterval(60), pnl: -4)
        let first = VariantPerformance(trades: [gain, loss, later])
        #expect(first == VariantPerformance(trades: [later, loss, gain]))
        // −6, 2, −2: from 0 to −6, and from 2 to −2.
        #expect(first.maxDrawdown == 6)
    }
}
