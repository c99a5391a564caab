import BallastCore
import BallastMarket
import Foundation
import Testing

@testable import BallastPortfolios

/// Holdings as the planner reads them from an account's balances.
@Suite("Portfolio holdings read from balances")
struct PortfolioHoldingsTests {
    /// `PortfolioHoldings` reads a balance beyond `FixedDecimal`'s range (about 9.2e10) as 0 (`?? .zero` in both
    /// initialisers). 100 billion units of a token at 0.0000001 are worth 10,000 of the quote currency: the drift
    /// monitor and the run value them at nothing, find the asset far under its target and buy more of it.
    @Test("a holding above 92,233,720,368 units is named out of range, never valued as none")
    func hugeHoldingOutOfRange() {
        let fromLedger = PortfolioHoldings(
            balances: ["USD": 10, "MEME": Decimal(string: "100000000000")!], quoteCurrency: "USD", feeBps: 0)
        let fromScan = PortfolioHoldings(
            available: [(name: "USD", value: "10"), (name: "MEME", value: "100000000000")], quoteCurrency: "USD", feeBasisPoints: "0")
        // Named as beyond the range, never read as another amount: the monitor leaves the portfolio unvalued and a run
        // fails naming the asset.
        #expect(fromLedger.outOfRange == ["MEME"] && fromLedger.quantities["MEME"] == nil)
        #expect(fromScan.outOfRange == ["MEME"] && fromScan.quantities["MEME"] == nil)
        #expect(fromLedger.cash == FixedDecimal("10") && fromScan.cash == FixedDecimal("10"))
    }
}
